"""Which curriculum modules teach each competency of the scheme (to recommend what to revisit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Module:
    """One curriculum notebook."""

    number: int
    """Module number (the notebook's file name starts with it, two digits)."""
    title_zh: str
    """Title as in the notebook's file name."""
    title_en: str
    """English title."""
    label_zh: str = ""
    """Title as a person reads it, where the file name differs (no underscores)."""

    def title(self, lang: str) -> str:
        """The title in ``lang`` (``zh`` or ``en``) as a person reads it."""
        return (self.label_zh or self.title_zh) if lang == "zh" else self.title_en


MODULES: Final = (
    Module(0, "入门_Jupyter与pandas", "Primer: Jupyter and pandas", "入门：Jupyter 与 pandas"),
    Module(1, "客户经理制与组织模式", "The customer-manager system and organisational models"),
    Module(2, "职能定位与权限", "Role and authority"),
    Module(3, "客户开发与信息收集", "Client acquisition and information collection"),
    Module(
        4,
        "客户价值一_业务量RFM与ABC",
        "Client value I: volume, RFM and ABC tiers",
        "客户价值（一）：业务量、RFM 与 ABC",
    ),
    Module(
        5,
        "客户价值二_盈利性CLV与钱包份额",
        "Client value II: profitability, CLV and share of wallet",
        "客户价值（二）：盈利性、CLV 与钱包份额",
    ),
    Module(6, "重点客户选择与VIP锁定", "Key accounts and VIP lock-in"),
    Module(7, "需求分析与个性化方案", "Needs analysis and tailored solutions"),
    Module(8, "客户拜访与关系维护", "Client visits and relationship maintenance"),
    Module(9, "客户评价报告与业务建议", "Client evaluation report and recommendations"),
    Module(10, "考核激励与客户分配", "Appraisal, incentives and client allocation"),
    Module(
        11,
        "授信基础_反洗钱与消保",
        "Credit basics, KYC/AML and consumer protection",
        "授信基础、反洗钱与消费者权益保护",
    ),
    Module(12, "模拟考试_初级", "Mock exam: associate", "模拟考试：初级"),
    Module(13, "模拟考试_中级", "Mock exam: senior", "模拟考试：中级"),
)

#: Scheme competency id -> numbers of the modules that teach it.
COMPETENCY_MODULES: Final[dict[str, tuple[int, ...]]] = {
    "system": (1,),
    "role": (2, 11),
    "information": (3,),
    "value": (4, 5),
    "needs": (7,),
    "relationship": (8,),
    "report": (9,),
    "management": (6, 10),
}


def modules_for(competency: str) -> list[Module]:
    """The modules that teach ``competency`` (empty for a competency without a module)."""
    numbers = COMPETENCY_MODULES.get(competency, ())
    return [m for m in MODULES if m.number in numbers]
