"""Module 5 exercises: profitability, CLV, share of wallet, contribution and potential."""

from __future__ import annotations

from typing import Final

from casebank import vocab
from casebank.load import CaseBank
from grading.methods import relationship, value
from grading.practice import Exercise

#: The client of the CLV, wallet and contribution exercises; the notebook states its risk band.
FOCUS: Final = "C0068"
WAR_CLIENT: Final = "C0041"
#: Its revenue growth sits just below a threshold: the rule compares the unrounded value.
POTENTIAL_CLIENT: Final = "C0207"


def risk_band_of(bank: CaseBank, client_id: str) -> str:
    """Return the churn-risk band of a client by the module 8 rule (stated in the notebook)."""
    score = relationship.health_score(relationship.churn_signals(bank))[client_id]
    return relationship.risk_band(int(score))


def exercises(bank: CaseBank) -> list[Exercise]:
    """Return the module 5 exercises."""
    practice = sorted(bank.clients.loc[bank.clients["pool"] == vocab.POOL_PRACTICE, "client_id"].astype(str))
    prof = value.profitability(bank)
    focus = {column: float(prof[column][FOCUS]) for column in prof.columns}
    gross = round(focus["revenue_wan"] - focus["direct_cost_wan"], 2)
    in_practice = prof.loc[practice]
    loss_makers = int((in_practice["profit_wan"] < 0).sum())
    loss_without_cts = int((in_practice["revenue_wan"] - in_practice["direct_cost_wan"] < 0).sum())

    band = risk_band_of(bank, FOCUS)
    r, d, m = value.retention_rate(band), value.DISCOUNT_RATE, focus["profit_wan"]
    clv = value.clv(m, r)

    clients = bank.clients.set_index("client_id")
    sow = float(value.share_of_wallet(bank)[FOCUS])
    last_year = int(bank.sales["year"].max())
    sales = bank.sales[(bank.sales["client_id"] == FOCUS) & (bank.sales["year"] == last_year)]
    sow_on_sales = round(focus["revenue_wan"] / float(sales["revenue_wan"].iloc[0]), 4)
    n, rank = int(clients["n_banks"][FOCUS]), int(clients["our_bank_rank"][FOCUS])
    war_instead = round((1 - rank / (n + 1)) * 2 / n, 4)

    n_w, rank_w = int(clients["n_banks"][WAR_CLIENT]), int(clients["our_bank_rank"][WAR_CLIENT])
    war = float(value.share_of_wallet(bank)[WAR_CLIENT])

    contribution = float(value.comprehensive_contribution(bank)[FOCUS])
    unweighted = focus["profit_wan"]
    weighted_gross = round(contribution + focus["cost_to_serve_wan"], 2)

    points = value.development_potential(bank)
    potential = {column: int(points[column][POTENTIAL_CLIENT]) for column in points.columns}
    score = potential["potential_score"]
    growth = float(value.revenue_growth_pct(bank)[POTENTIAL_CLIENT])
    rounded_first = score - potential["growth_points"] + value.growth_points(round(growth, 1))
    return [
        Exercise(
            id="m05.profit_c0068",
            kind="number",
            answer=focus["profit_wan"],
            explanation="正确。利润 = 收入 − 直接成本 − 服务成本；服务成本 = 拜访次数 × 拜访单价 + 交易笔数 × 交易单价 + 投诉数 × 投诉处理单价。",
            hint="拜访、交易、投诉都只数过去 12 个月的；单价在 cost_rates 表中，单位万元。",
            mistakes=[
                (gross, "忘了服务成本（cost-to-serve）：拜访、交易和投诉处理都要消耗银行的人力和系统成本。")
            ],
            clients=(FOCUS,),
        ),
        Exercise(
            id="m05.loss_makers",
            kind="number",
            answer=loss_makers,
            # whole numbers: one decimal, so the checker's one-unit tolerance cannot accept off-by-one
            decimals=1,
            explanation="正确。扣除服务成本后，相当一部分小客户是亏损的——这就是鲸鱼曲线右端向下弯的原因。",
            hint="对练习集每一户算利润（含服务成本），数一数利润 < 0 的客户。",
            mistakes=[
                (loss_without_cts, "没有扣服务成本：只看收入减直接成本，会把许多实际亏损的小客户算成盈利。")
            ],
        ),
        Exercise(
            id="m05.clv_c0068",
            kind="number",
            answer=clv,
            explanation=(
                f"正确。风险等级“{band}”对应留存率 r = {r:.2f}，d = {d:.0%}，"
                f"CLV = m·r/(1+d−r) = {m:.2f} × {r:.2f} / {1 + d - r:.2f}。"
            ),
            hint="m 用本年利润（含服务成本），r 查风险等级对照表，d = 10%；先算分母 1 + d − r。",
            mistakes=[
                (round(m * r / (1 - r), 2), "没有折现：分母应是 1 + d − r；不折现会高估未来利润的价值。"),
                (
                    value.clv(focus["revenue_wan"], r),
                    "用了收入而不是利润：CLV 衡量的是客户未来带来的利润，要先扣直接成本和服务成本。",
                ),
            ],
            clients=(FOCUS,),
        ),
        Exercise(
            id="m05.sow_c0068",
            kind="number",
            answer=sow,
            decimals=4,
            explanation="正确。客户披露了年度银行业务支出（钱包），钱包份额 = 我行收入 ÷ 披露的年度银行业务支出。",
            hint="分母是客户在所有银行的业务总量（wallet_disclosed_wan），不是客户的营业收入。",
            mistakes=[
                (
                    sow_on_sales,
                    "分母用成了客户的营业收入；钱包份额的分母是客户在各家银行的业务总量（钱包）。",
                ),
                (war_instead, "客户已经披露了钱包，就用实际数据；钱包分配法则只在钱包未知时使用。"),
            ],
            clients=(FOCUS,),
        ),
        Exercise(
            id="m05.sow_c0041",
            kind="number",
            answer=war,
            decimals=4,
            explanation=(
                f"正确。钱包未披露，用钱包分配法则：合作银行 N = {n_w}，我行排名 {rank_w}，"
                f"SOW = (1 − {rank_w}/{n_w + 1}) × 2/{n_w}。"
            ),
            hint="N 是 n_banks，排名是 our_bank_rank；注意公式里是 N + 1。",
            mistakes=[
                (round(1 / n_w, 4), "1/N 假设各家银行平分钱包；钱包分配法则要考虑我行的排名。"),
                (round((1 - rank_w / n_w) * 2 / n_w, 4), "分母应是 N + 1 而不是 N：(1 − 排名/(N+1)) × 2/N。"),
            ],
            clients=(WAR_CLIENT,),
        ),
        Exercise(
            id="m05.contribution_c0068",
            kind="number",
            answer=contribution,
            explanation="正确。按产品类别加权：负债业务 1.0、资产业务 0.8、中间业务 1.2，各乘以（收入 − 直接成本）后相加，再减服务成本。",
            hint="先用 products 表把每个产品对应到负债/资产/中间业务，再加权；最后别忘了减服务成本。",
            mistakes=[
                (
                    unweighted,
                    "没有按业务类别加权，这只是利润；综合贡献度要体现资本占用和中间业务的战略价值。",
                ),
                (weighted_gross, "加权后还要减去服务成本，综合贡献度是净贡献。"),
            ],
            clients=(FOCUS,),
        ),
        Exercise(
            id="m05.potential_c0207",
            kind="number",
            answer=score,
            # whole numbers: one decimal, so the checker's one-unit tolerance cannot accept off-by-one
            decimals=1,
            explanation=(
                f"正确。行业前景 {potential['industry_points']} + 营收增长 {potential['growth_points']} + "
                f"产能利用率 {potential['utilisation_points']} + 投资计划 {potential['investment_points']} = {score} 分；"
                f"营收增长率 {growth:.3f}% 没有达到 15% 的门槛。"
            ),
            hint="四项逐一查：行业前景（industries 表 outlook）、最近一年营收增长率、产能利用率、是否有投资计划。",
            mistakes=[
                (
                    rounded_first,
                    "增长率先四舍五入再比较了：规则是用未取整的增长率和门槛比较，差一点也是没达到。",
                ),
                (
                    score - potential["industry_points"],
                    "漏了行业前景：看 industries 表中该行业的 outlook。",
                ),
            ],
            clients=(POTENTIAL_CLIENT,),
        ),
    ]
