"""Meeting and call notes in Chinese, written from the client's truth.

Stated needs are said in so many words; latent needs only show as hints a careful customer
manager connects with the data; churn signals leave traces; filler sentences add the noise of
real notes.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

from grading.casegen.profile import AS_OF, Profile, Row, iso
from grading.casegen.relationship import Truth, random_day
from grading.methods.needs import NEEDS_BY_CODE

STATED: Final = (
    "{who}明确提出，希望我行尽快提供{product}方案，并请我们下次带具体报价来。",
    "{who}直接询问我行{product}的办理条件，表示近期就有需要。",
    "会谈中{who}主动提到需要{product}，希望我们两周内给出书面建议。",
)
LATENT: Final = {
    "working_capital": (
        "{who}说今年订单已经排到年底，生产线基本满负荷运转，原材料备货占用了不少资金。",
        "客户反映订单增长很快，车间三班倒还赶不过来，采购付款压力比往年大。",
    ),
    "project_finance": (
        "{who}透露公司计划投资约{plan}万元扩建生产基地，目前正在做可行性研究。",
        "客户董事会已经通过新厂区建设计划，总投资约{plan}万元，资金安排还在商量。",
    ),
    "fx_hedging": (
        "{who}抱怨今年海外收入占比越来越高，汇率一波动，利润就被吃掉一块。",
        "客户外销收入以美元为主，{who}担心人民币升值影响全年利润。",
    ),
    "trade_finance": (
        "海外客户的账期普遍拉长，{who}说部分出口订单回款要等{days}天以上。",
        "客户出口业务这两年增长明显，但信用证和托收单据积压，资金回笼慢。",
    ),
    "supply_chain": (
        "{who}提到上游有{suppliers}多家供应商，不少小供应商反映资金周转紧张，希望提前回款。",
        "客户是行业里的核心企业，上游中小供应商经常找他们要求缩短付款周期。",
    ),
    "cash_management": (
        "集团下属{subs}家子公司账户分散在多家银行，财务部每月归集资金要花大量人工。",
        "{who}说各子公司资金各管各的，总部看不清整体头寸，调度很不方便。",
    ),
    "idle_cash": (
        "客户账上沉淀资金比去年同期多了不少，{who}说暂时没有大的支出计划。",
        "{who}提到近期回款集中到账，活期存款闲置较多，收益偏低。",
    ),
    "payroll_service": (
        "公司现有员工{employees}人，工资目前由其他银行代发，{who}说员工对服务有些意见。",
        "{who}提到员工人数已有{employees}人，发薪和个税代扣的工作量不小。",
    ),
}
SIGNAL_HINTS: Final = {
    "key_person_left": ("原{title}{name}已于{left}离职，新任人选尚未与我行建立联系。",),
    "interactions_halved": ("最近两个季度客户回应明显变慢，约访多次被推迟。",),
    "volume_decline_2q": ("客户近两个季度经我行的结算量持续下滑，部分业务转到了他行。",),
    "no_senior_contact_90d": ("近三个月多次预约客户高层未果，只能与经办人员沟通。",),
    "complaint_escalated": ("客户对{category}问题的处理结果不满意，已经向我行上级部门反映。",),
    "late_payment": ("本季度客户贷款利息出现逾期，{who}解释是下游回款延迟。",),
    "product_closed": ("客户已将{product}业务转到其他银行办理。",),
}
FILLER: Final = (
    "双方就下半年的合作计划进行了交流。",
    "客户介绍了今年的经营情况，主营产品{products}销售平稳。",
    "{who}对我行近期的服务响应速度表示认可。",
    "客户主要下游客户是{customers}。",
    "会后整理了客户最新的组织架构和联系人信息，已录入CRM。",
    "客户所在行业竞争激烈，价格压力较大。",
)


def _who(rng: random.Random, people: list[dict[str, str | int]]) -> str:
    present = [p for p in people if not p["left_on"] and p["level"] != "基层"]
    person = rng.choice(present)
    return (
        f"{person['title']}{str(person['name'])[0]}总"
        if person["level"] == "高层"
        else f"{person['title']}{person['name']}"
    )


def _signal_text(
    text: str, code: str, truth: Truth, people: list[dict[str, str | int]], complaints: list[Row]
) -> str:
    """A churn signal's sentence with the client's own facts filled in."""
    if code == "key_person_left":
        person = next(pp for pp in people if pp["person_id"] == truth.left_person)
        return text.format(title=person["title"], name=person["name"], left=person["left_on"], who="{who}")
    if code == "complaint_escalated":
        return text.format(
            category=next(c["category"] for c in complaints if c["escalated"] == "true"), who="{who}"
        )
    if code == "product_closed":
        return text.format(product=truth.closed_product, who="{who}")
    return text


def note_rows(
    rng: random.Random,
    p: Profile,
    row: Row,
    truth: Truth,
    people: list[dict[str, str | int]],
    complaints: list[Row],
    manager_id: str,
) -> list[Row]:
    """Two to five notes of the last twelve months that carry the client's truth."""
    sentences: list[str] = []
    recent: list[str] = []
    values = {
        "plan": row["investment_plan_wan"].split(".")[0] or "0",
        "days": str(rng.choice((90, 120, 150, 180))),
        "suppliers": str(int(row["supplier_count"]) // 100 * 100),
        "subs": row["subsidiaries"],
        "employees": str(p.employees),
        "products": "、".join(row["main_products"].split(";")),
        "customers": "、".join(row["main_customers"].split(";")),
    }
    for code in truth.stated:
        sentences.append(rng.choice(STATED).format(product=NEEDS_BY_CODE[code].product, who="{who}"))
    for code in truth.latent:
        (recent if code == "idle_cash" else sentences).append(rng.choice(LATENT[code]))
    for code in sorted(truth.signals):
        recent.append(_signal_text(rng.choice(SIGNAL_HINTS[code]), code, truth, people, complaints))
    sentences += rng.sample(FILLER, rng.randint(2, 3))
    rng.shuffle(sentences)
    rng.shuffle(recent)

    # Signals and recent balances are news of the last weeks: they go into the latest note.
    count = min(len(sentences), rng.randint(2, 5))
    days = sorted(
        {
            random_day(rng, AS_OF - dt.timedelta(days=350), AS_OF - dt.timedelta(days=30))
            for _ in range(count - 1)
        }
    )
    days.append(AS_OF - dt.timedelta(days=rng.randint(1, 4)))
    notes = []
    for i, day in enumerate(days):
        chunk = sentences[i :: len(days)] + (recent if i == len(days) - 1 else [])
        who = _who(rng, people)
        kind = rng.choices(("拜访纪要", "电话纪要", "内部讨论"), weights=(6, 3, 1))[0]
        opener = {
            "拜访纪要": f"{day.month}月{day.day}日拜访客户，与{who}面谈。",
            "电话纪要": f"{day.month}月{day.day}日与{who}电话沟通。",
            "内部讨论": f"{day.month}月{day.day}日团队内部讨论该客户情况。",
        }[kind]
        body = "".join(s.format(who=who, **values) for s in chunk)
        notes.append(
            {
                "note_id": f"{p.client_id}-N{i + 1:02d}",
                "client_id": p.client_id,
                "date": iso(day),
                "author": manager_id,
                "kind": kind,
                "text": opener + body,
            }
        )
    return notes
