"""Controlled vocabularies of the case bank.

Every categorical field of the bank takes its values from one of these tuples. Values are the
Chinese labels a customer manager sees in a CRM export; English labels are given for reports
and for trainees who read both languages.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

#: Date at which every "as of" fact in the bank is stated (RFM recency, last contact, ...).
AS_OF: Final = "2026-06-30"

#: Industry label -> English label.
INDUSTRIES: Final = MappingProxyType(
    {
        "装备制造": "Equipment manufacturing",
        "电子信息": "Electronics",
        "汽车零部件": "Auto parts",
        "纺织服装": "Textiles and apparel",
        "化工新材料": "Chemicals and new materials",
        "生物医药": "Pharmaceuticals",
        "食品饮料": "Food and beverage",
        "商贸流通": "Wholesale and retail trade",
        "建筑工程": "Construction",
        "物流运输": "Logistics",
        "现代农业": "Agriculture",
        "软件与信息服务": "Software and IT services",
        "新能源": "New energy",
    }
)

#: Region label -> cities in that region.
REGIONS: Final = MappingProxyType(
    {
        "华北": ("北京", "天津", "石家庄", "太原"),
        "华东": ("上海", "杭州", "南京", "苏州", "宁波", "合肥", "济南", "青岛", "福州", "厦门"),
        "华南": ("广州", "深圳", "东莞", "佛山", "南宁", "海口"),
        "华中": ("武汉", "长沙", "郑州", "南昌"),
        "西南": ("成都", "重庆", "昆明", "贵阳"),
        "西北": ("西安", "兰州", "银川", "乌鲁木齐"),
        "东北": ("沈阳", "大连", "长春", "哈尔滨"),
    }
)

REGION_EN: Final = MappingProxyType(
    {
        "华北": "North",
        "华东": "East",
        "华南": "South",
        "华中": "Central",
        "西南": "Southwest",
        "西北": "Northwest",
        "东北": "Northeast",
    }
)

#: Enterprise size classes, largest first (classified from employees and revenue).
SIZES: Final = ("大型", "中型", "小型", "微型")
SIZE_EN: Final = MappingProxyType({"大型": "Large", "中型": "Medium", "小型": "Small", "微型": "Micro"})

OWNERSHIPS: Final = ("国有", "民营", "外资", "合资", "集体")
COMPETITIVE_POSITIONS: Final = ("龙头", "骨干", "一般", "边缘")
OUTLOOKS: Final = ("上行", "平稳", "下行")

#: Which half of the bank a client belongs to: curriculum practice or certification exams.
POOL_PRACTICE: Final = "practice"
POOL_EXAM: Final = "exam"
POOLS: Final = (POOL_PRACTICE, POOL_EXAM)

PERSON_LEVELS: Final = ("高层", "中层", "基层")
DECISION_ROLES: Final = ("决策者", "影响者", "把关者", "使用者", "发起者")
ATTITUDES: Final = ("支持", "中立", "反对")

VISIT_CHANNELS: Final = ("上门拜访", "来行洽谈", "电话", "视频会议", "商务活动")
NOTE_KINDS: Final = ("拜访纪要", "电话纪要", "内部讨论")
COMPLAINT_CATEGORIES: Final = ("服务效率", "收费争议", "系统故障", "授信审批", "差错处理")
COMPLAINT_STATUSES: Final = ("处理中", "已升级", "已关闭")

PRODUCT_CATEGORIES: Final = ("负债业务", "资产业务", "中间业务")

#: Product line -> (category, English label).
PRODUCTS: Final = MappingProxyType(
    {
        "对公存款": ("负债业务", "Corporate deposits"),
        "结算与账户": ("中间业务", "Settlement and accounts"),
        "流动资金贷款": ("资产业务", "Working-capital loans"),
        "固定资产贷款": ("资产业务", "Fixed-asset (project) loans"),
        "国际结算": ("中间业务", "International settlement"),
        "贸易融资": ("资产业务", "Trade finance"),
        "外汇衍生品": ("中间业务", "FX hedging"),
        "供应链金融": ("资产业务", "Supply-chain finance"),
        "现金管理": ("中间业务", "Cash management"),
        "对公理财": ("中间业务", "Corporate wealth management"),
        "代发工资": ("中间业务", "Payroll services"),
    }
)

#: Activities whose count drives cost-to-serve.
ACTIVITIES: Final = ("拜访", "交易", "投诉处理")
