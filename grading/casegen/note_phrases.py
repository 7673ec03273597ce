"""Sentences of meeting notes other than needs: churn-signal traces, distractors, openers.

Each template is one sentence ending in "。". Distractors are what makes reading notes a
skill: products the client already holds or declined, small talk, and other companies' news
that sounds like a need or a signal but is not about this client.
"""

from __future__ import annotations

from typing import Final

#: Traces of each churn signal (code as in `grading.methods.relationship.SIGNALS`).
SIGNALS: Final = {
    "key_person_left": (
        "原{title}{name}已于{left}离职，新任人选尚未与我行建立联系。",
        "听说{title}{name}{left_month}月份已经离开公司，接任的人我们还没见上面。",
        "{name}（原{title}）已经离职，之前和我们对接的事情暂时没人接手。",
        "客户那边{title}换人了，{name}在{left}办了离职，新来的负责人态度还不明朗。",
        "{who}顺口提到{name}已经走了，是{left_month}月份的事，我们之前一点消息都没有。",
        "打{name}的电话已经停机，后来才知道这位{title}{left}就离职了。",
        "{who}说{name}{left_month}月份辞职去了别的公司，{title}的位置目前空着。",
        "例会上才得知{title}{name}已于{left}离职，我们和新班子还没有搭上线。",
    ),
    "interactions_halved": (
        "最近两个季度客户回应明显变慢，约访多次被推迟。",
        "这半年约客户见面越来越难，往往要改期两三次。",
        "客户最近对我们的电话和微信回复都很简短，业务往来也少了。",
        "跟进时发现，客户经办人员近来很少主动联系我们了。",
        "{who}这两个季度总说忙，原定的季度回访也一再往后拖。",
        "和去年相比，客户找我们办事的次数明显少了，联系基本靠我们单方面。",
        "上季度约了三次回访只成行一次，客户总说在忙别的事。",
        "{who}近来接电话总是匆匆几句，很多事情让我们发邮件再说。",
    ),
    "volume_decline_2q": (
        "客户近两个季度经我行的结算量持续下滑，部分业务转到了他行。",
        "从流水看，客户的回款越来越多走到别的银行，我行账户只留了日常开支。",
        "{who}承认最近有几家大客户的款改收到他行账户了。",
        "客户经我行的收付款连着两个季度往下走，原因还没问清楚。",
        "{who}说新合作的银行给了更低的手续费，部分结算就放过去了。",
        "本季度客户在我行的结算金额又比上季度少了一截。",
        "客户的货款归集账户好像换到了别家，我行这边的进账一季比一季少。",
        "{who}含糊地说，部分收付款暂时放在合作更久的那家银行。",
    ),
    "no_senior_contact_90d": (
        "近三个月多次预约客户高层未果，只能与经办人员沟通。",
        "想约董事长和总经理见一面，秘书一直说没时间。",
        "最近几次去客户那里，见到的都是财务部的经办人员，领导层都没露面。",
        "这一季度我行和客户管理层没有任何直接接触，高层对接断了。",
        "原本约好的高层会谈被客户临时取消，之后一直没有再约上。",
        "{who}说老板最近忙着跑项目，和银行的事都交给下面处理了。",
        "给董事长办公室发了两次拜访函，都没有回音。",
        "这几个月客户领导一次都没见着，对接全靠财务部的经办人员。",
    ),
    "complaint_escalated": (
        "客户对{category}问题的处理结果不满意，已经向我行上级部门反映。",
        "{who}说上次的{category}问题拖了很久，他们已经直接投诉到分行了。",
        "因为{category}的事，客户给我行总行发了投诉函，情绪比较大。",
        "{who}对{category}问题意见很大，说如果解决不好就要重新考虑合作。",
        "客户关于{category}的投诉已经升级，分行要求我们尽快上门沟通。",
        "{who}一见面就提了{category}的事，说已经找过我们的上级领导。",
        "{who}提起{category}的投诉还是很生气，说已经反映到了我行分管领导那里。",
        "分行转来客户关于{category}的升级投诉，要求支行限期答复。",
    ),
    "late_payment": (
        "本季度客户贷款利息出现逾期，{who}解释是下游回款延迟。",
        "客户这个月的还款晚了几天，{who}说是资金调度没跟上。",
        "贷后检查发现客户有一期利息没按时还，{who}说下周补上。",
        "{who}承认最近几笔回款没到位，贷款利息晚交了。",
        "系统提示客户贷款出现逾期，电话核实后{who}说是财务人员疏忽。",
        "客户近期还款不太准时，{who}说大客户压了一部分货款。",
        "本季度客户有一笔贷款本息拖了几天才还上，{who}说是年底结算拖的。",
        "风险经理提醒，客户最近一期贷款利息没有按期归还。",
    ),
    "product_closed": (
        "客户已将{product}业务转到其他银行办理。",
        "{who}告知，{product}已经在我行销户，以后改由他行办理。",
        "客户最近关掉了在我行的{product}，说是集团统一安排。",
        "{who}说{product}这块他们换了一家银行，对方给的条件更优惠。",
        "查询发现客户的{product}已在我行终止，事先没有和我们沟通。",
        "{who}坦言{product}已经不在我行做了，原因是对方服务更方便。",
        "{who}通知我们，{product}已经停用，相关业务迁到了合作银行。",
        "核对账户时发现客户的{product}已办理关闭，{who}说是总部的决定。",
    ),
}
#: A product the client holds with us: mentioned, no new need.
HELD: Final = (
    "{who}对我行{product}服务总体满意，没有提出新的要求。",
    "顺带核对了客户{product}的使用情况，运行正常。",
    "{who}提到我行{product}去年办得很顺，今年继续保持。",
    "客户在我行的{product}一切正常，{who}没有提出调整。",
    "{who}问了一下{product}的对账单什么时候出，已当场答复。",
    "谈到已有的{product}，{who}说用着挺顺手。",
)
#: A product the client does not need: offered and declined.
DECLINED: Final = (
    "顺便介绍了我行的{product}，{who}表示目前用不上。",
    "我们提了一下{product}，{who}说公司暂时没有这方面的打算。",
    "{who}听了{product}的介绍，说等以后有这方面的考虑再联系。",
    "问到{product}，{who}摆摆手说他们的业务用不到。",
    "留了一份{product}的宣传册，{who}看了看没有多问。",
    "{who}说{product}以前了解过，觉得跟他们的业务不太搭。",
)
#: Small talk.
SMALL_TALK: Final = (
    "{who}聊起孩子今年中考的事，气氛比较轻松。",
    "寒暄时{who}说最近在学打高尔夫。",
    "{who}提到公司下个月要组织员工去外地团建。",
    "见面先聊了几句天气，这几天{city}一直下雨。",
    "{who}刚从外地参加完行业展会回来，说今年展会人气很旺。",
    "{who}说新办公楼装修快完了，年底前搬过去。",
    "会前{who}带我们参观了展厅，介绍了公司的发展历程。",
    "{who}提到自己是本地人，在公司干了十几年。",
    "客户食堂的饭菜不错，中午留我们一起吃了工作餐。",
    "{who}说最近在准备行业协会的年会，忙得脚不沾地。",
)
#: Other companies' news: sounds like a need or a signal, but is not about this client.
OTHERS_NEWS: Final = (
    "{who}提到同行业另一家企业最近在做上市辅导。",
    "听{who}说，园区里有家企业刚被收购了。",
    "{who}说他们一个老客户的老板换人了，新老板想法很多。",
    "{who}聊到隔壁工厂最近在扩建，施工噪音很大。",
    "{who}提到有家同行今年订单不太好，正在裁员。",
    "据{who}说，行业里有一家龙头企业准备在本地建新基地。",
    "{who}说一位老朋友的公司刚从别的银行拿到了一笔贷款，利率挺低。",
    "{who}提到他们的一个竞争对手最近换了财务总监。",
)
#: Neutral sentences of routine notes.
ROUTINE: Final = (
    "双方就下半年的合作计划进行了交流。",
    "客户介绍了今年的经营情况，主营产品是{products}。",
    "{who}对我行近期的服务响应速度表示认可。",
    "客户主要下游客户是{customers}。",
    "会后整理了客户最新的组织架构和联系人信息，已录入CRM。",
    "客户所在行业竞争激烈，价格压力较大。",
)
#: How a note starts, per note kind; ``{month}``/``{day}`` is the note's date.
OPENERS: Final = {
    "拜访纪要": (
        "{month}月{day}日拜访客户，与{who}面谈。",
        "{month}月{day}日上门拜访，{who}接待。",
        "{month}月{day}日到客户公司走访，主要与{who}交流。",
    ),
    "电话纪要": (
        "{month}月{day}日与{who}电话沟通。",
        "{month}月{day}日{who}来电。",
        "{month}月{day}日电话回访{who}。",
    ),
    "内部讨论": (
        "{month}月{day}日团队内部讨论该客户情况。",
        "{month}月{day}日与产品经理一起梳理了该客户的情况。",
    ),
}
#: How a note may end.
CLOSERS: Final = (
    "下一步：按约定时间再次跟进。",
    "下次拜访前先准备好相关材料。",
    "已在系统中登记跟进事项。",
)
