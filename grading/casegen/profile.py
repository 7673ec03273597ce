"""Client profile, sales history, organisation structure and key people."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Final

from casebank import vocab
from grading.casegen.names import company_name, person_name

AS_OF: Final = dt.date.fromisoformat(vocab.AS_OF)
SALES_YEARS: Final = (2023, 2024, 2025)

Row = dict[str, str]


@dataclass(frozen=True)
class IndustryProfile:
    """How clients of one industry tend to look."""

    growth_pct: float
    margin_pct: float
    export_propensity: float
    revenue_per_employee_wan: float
    suppliers_per_100m: float
    products: tuple[str, ...]
    customers: tuple[str, ...]


INDUSTRY_PROFILES: Final = {
    "装备制造": IndustryProfile(
        6.5,
        7.0,
        0.30,
        85,
        60,
        ("数控机床", "工业机器人", "液压设备", "输送设备"),
        ("汽车厂", "工程机械厂", "能源企业"),
    ),
    "电子信息": IndustryProfile(
        9.0,
        6.0,
        0.45,
        70,
        90,
        ("PCB板", "连接器", "显示模组", "传感器"),
        ("手机厂商", "家电企业", "汽车电子厂"),
    ),
    "汽车零部件": IndustryProfile(
        5.0, 5.5, 0.35, 80, 70, ("制动系统", "座椅总成", "线束", "铝合金轮毂"), ("整车厂", "一级供应商")
    ),
    "纺织服装": IndustryProfile(
        1.0,
        4.5,
        0.50,
        35,
        50,
        ("棉纱", "针织面料", "成衣", "家纺制品"),
        ("服装品牌", "海外采购商", "电商平台"),
    ),
    "化工新材料": IndustryProfile(
        4.0,
        8.0,
        0.25,
        150,
        40,
        ("改性塑料", "涂料", "电子化学品", "碳纤维"),
        ("汽车厂", "家电企业", "建材企业"),
    ),
    "生物医药": IndustryProfile(
        10.0,
        12.0,
        0.20,
        90,
        30,
        ("原料药", "仿制药", "体外诊断试剂", "医疗耗材"),
        ("医院", "医药流通企业", "海外药企"),
    ),
    "食品饮料": IndustryProfile(
        4.0, 7.5, 0.08, 110, 80, ("乳制品", "饮料", "调味品", "休闲食品"), ("商超", "经销商", "电商平台")
    ),
    "商贸流通": IndustryProfile(
        3.0,
        2.5,
        0.15,
        400,
        120,
        ("大宗商品", "日用百货", "电子产品", "农副产品"),
        ("零售商", "生产企业", "海外客户"),
    ),
    "建筑工程": IndustryProfile(
        -2.0,
        3.0,
        0.05,
        120,
        60,
        ("房建工程", "市政道路", "装饰装修", "钢结构"),
        ("地方政府平台", "房地产企业", "工业园区"),
    ),
    "物流运输": IndustryProfile(
        5.0,
        4.0,
        0.10,
        60,
        20,
        ("公路运输", "仓储服务", "冷链物流", "国际货代"),
        ("电商企业", "制造企业", "零售商"),
    ),
    "现代农业": IndustryProfile(
        3.0,
        5.0,
        0.10,
        40,
        30,
        ("蔬菜种植", "生猪养殖", "种子", "农产品加工"),
        ("商超", "食品企业", "批发市场"),
    ),
    "软件与信息服务": IndustryProfile(
        12.0,
        10.0,
        0.15,
        55,
        10,
        ("行业软件", "云服务", "系统集成", "数据服务"),
        ("银行", "政府部门", "制造企业"),
    ),
    "新能源": IndustryProfile(
        15.0,
        8.5,
        0.30,
        120,
        70,
        ("光伏组件", "储能系统", "锂电池", "风电设备"),
        ("电网企业", "电站开发商", "海外客户"),
    ),
}

MARKETS_DOMESTIC: Final = ("华东市场", "华南市场", "华北市场", "华中市场", "西南市场", "全国市场")
MARKETS_EXPORT: Final = ("东南亚", "欧洲", "北美", "中东", "日韩", "拉美")

INDUSTRY_WEIGHTS: Final = {name: 1.0 for name in vocab.INDUSTRIES} | {
    "装备制造": 1.4,
    "商贸流通": 1.3,
    "电子信息": 1.2,
}
REGION_WEIGHTS: Final = {
    "华北": 1.0,
    "华东": 2.0,
    "华南": 1.4,
    "华中": 1.0,
    "西南": 0.9,
    "西北": 0.6,
    "东北": 0.6,
}


@dataclass
class Profile:
    """A client's profile and the figures later parts are derived from."""

    client_id: str
    industry: str
    region: str
    city: str
    revenue: dict[int, float]
    export_share: dict[int, float]
    employees: int
    size: str
    founded_year: int
    row: Row = field(default_factory=dict)


def weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    """Pick a key with probability proportional to its weight."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def classify_size(employees: int, revenue_wan: float) -> str:
    """Enterprise size class from employees and revenue (the industrial SME standard)."""
    if employees >= 1000 and revenue_wan >= 40000:
        return "大型"
    if employees >= 300 and revenue_wan >= 2000:
        return "中型"
    if employees >= 20 and revenue_wan >= 300:
        return "小型"
    return "微型"


def money(value: float) -> str:
    """Format an amount in 万元 with two decimals."""
    return f"{value:.2f}"


def pct(value: float) -> str:
    """Format a percentage with one decimal."""
    return f"{value:.1f}"


def iso(day: dt.date) -> str:
    """Format a date as YYYY-MM-DD."""
    return day.isoformat()


def make_profile(rng: random.Random, client_id: str, growth_boost: bool) -> Profile:
    """Draw the core figures of one client: industry, place, size, sales history."""
    industry = weighted_choice(rng, INDUSTRY_WEIGHTS)
    region = weighted_choice(rng, REGION_WEIGHTS)
    city = rng.choice(vocab.REGIONS[region])
    ip = INDUSTRY_PROFILES[industry]
    revenue_2025 = min(max(10 ** rng.gauss(3.8, 0.8), 60.0), 3_000_000.0)
    growth = {
        2025: ip.growth_pct + rng.gauss(0, 9) if not growth_boost else rng.uniform(16, 40),
        2024: ip.growth_pct + rng.gauss(0, 8),
    }
    revenue = {2025: revenue_2025}
    revenue[2024] = revenue_2025 / (1 + growth[2025] / 100)
    revenue[2023] = revenue[2024] / (1 + growth[2024] / 100)
    employees = max(3, round(revenue_2025 / ip.revenue_per_employee_wan * math.exp(rng.gauss(0, 0.35))))
    base_export = min(85.0, max(0.0, rng.gauss(ip.export_propensity * 55, 14)))
    if rng.random() < 0.35:
        base_export = 0.0
    drift = rng.gauss(0, 3)
    export_share = {
        2023: min(95.0, max(0.0, base_export - drift)),
        2024: base_export,
        2025: min(95.0, max(0.0, base_export + drift)),
    }
    size = classify_size(employees, revenue_2025)
    founded = min(2022, max(1958, round(2026 - abs(rng.gauss(16, 10)))))
    return Profile(client_id, industry, region, city, revenue, export_share, employees, size, founded)


def sales_rows(rng: random.Random, p: Profile) -> list[Row]:
    """Three years of sales: revenue, profit, export share, customer concentration."""
    margin = INDUSTRY_PROFILES[p.industry].margin_pct
    top5 = min(95.0, max(8.0, rng.gauss(45, 18)))
    rows = []
    for year in SALES_YEARS:
        profit = p.revenue[year] * (margin + rng.gauss(0, 3.5)) / 100
        rows.append(
            {
                "client_id": p.client_id,
                "year": str(year),
                "revenue_wan": money(p.revenue[year]),
                "net_profit_wan": money(profit),
                "export_share_pct": pct(p.export_share[year]),
                "top5_customer_share_pct": pct(min(98.0, max(5.0, top5 + rng.gauss(0, 3)))),
            }
        )
    return rows


def org_and_people(rng: random.Random, p: Profile) -> tuple[list[Row], list[dict[str, str | int]]]:
    """Organisation units and key people with the decision chain (reports_to)."""
    cid = p.client_id
    unit_names = ["董事会", "总经理办公室", "财务部", "采购部", "销售部"]
    unit_names.append("生产部" if INDUSTRY_PROFILES[p.industry].suppliers_per_100m >= 40 else "运营部")
    if p.size in ("大型", "中型"):
        unit_names.append("人力资源部")
    if p.export_share[2025] >= 20:
        unit_names.append("国际业务部")
    units: list[Row] = []
    unit_ids: dict[str, str] = {}
    for i, name in enumerate(unit_names, start=1):
        uid = f"{cid}-U{i:02d}"
        unit_ids[name] = uid
        parent = (
            ""
            if name == "董事会"
            else (unit_ids["董事会"] if name == "总经理办公室" else unit_ids["总经理办公室"])
        )
        units.append({"unit_id": uid, "client_id": cid, "name": name, "parent_unit_id": parent})

    # (title, unit, level, decision role, influence, reports-to title)
    roles: list[tuple[str, str, str, str, int, str]] = [
        ("董事长", "董事会", "高层", "决策者", 5, ""),
        ("总经理", "总经理办公室", "高层", rng.choice(("决策者", "影响者")), 5, "董事长"),
        ("财务总监", "财务部", "高层", "把关者", 4, "总经理"),
        ("财务部经理", "财务部", "中层", "使用者", 3, "财务总监"),
    ]
    if p.size in ("大型", "中型"):
        roles.append(("副总经理", "总经理办公室", "高层", "影响者", 4, "总经理"))
        roles.append(("采购部经理", "采购部", "中层", "影响者", rng.choice((2, 3)), "副总经理"))
    roles.append(
        ("销售部经理", "销售部", "中层", rng.choice(("发起者", "影响者")), rng.choice((2, 3)), "总经理")
    )
    if "国际业务部" in unit_ids:
        roles.append(("国际业务部经理", "国际业务部", "中层", "发起者", 3, "总经理"))
    roles.append((rng.choice(("出纳", "会计")), "财务部", "基层", "使用者", rng.choice((1, 2)), "财务部经理"))

    people: list[dict[str, str | int]] = []
    ids_by_title: dict[str, str] = {}
    primary = "财务总监" if p.size in ("大型", "中型") else "财务部经理"
    for i, (title, unit, level, role, influence, boss) in enumerate(roles, start=1):
        pid = f"{cid}-P{i:02d}"
        ids_by_title[title] = pid
        attitude = rng.choices(vocab.ATTITUDES, weights=(5, 4, 1))[0]
        people.append(
            {
                "person_id": pid,
                "client_id": cid,
                "name": person_name(rng),
                "title": title,
                "unit_id": unit_ids[unit],
                "level": level,
                "decision_role": role,
                "influence": influence,
                "attitude": attitude,
                "reports_to": ids_by_title.get(boss, ""),
                "last_contact": "",
                "left_on": "",
                "is_primary_contact": "true" if title == primary else "false",
            }
        )
    return units, people


def client_row(rng: random.Random, p: Profile, name: str) -> Row:
    """The clients.csv row, without the relationship fields filled in later."""
    ip = INDUSTRY_PROFILES[p.industry]
    rev = p.revenue[2025]
    markets = rng.sample(MARKETS_DOMESTIC, 2)
    if p.export_share[2025] >= 5:
        markets += rng.sample(MARKETS_EXPORT, 1 + int(p.export_share[2025] >= 30))
    position = rng.choices(vocab.COMPETITIVE_POSITIONS, weights=(1, 3, 5, 2))[0]
    if p.size == "大型":
        position = rng.choice(("龙头", "骨干"))
    share_base = {"龙头": 15.0, "骨干": 5.0, "一般": 1.5, "边缘": 0.3}[position]
    return {
        "client_id": p.client_id,
        "name": name,
        "industry": p.industry,
        "region": p.region,
        "city": p.city,
        "size": p.size,
        "ownership": rng.choices(vocab.OWNERSHIPS, weights=(2, 7, 1, 1, 0.3))[0],
        "founded_year": str(p.founded_year),
        "employees": str(p.employees),
        "registered_capital_wan": money(max(10.0, rev * rng.uniform(0.05, 0.3))),
        "subsidiaries": "0",
        "main_products": ";".join(rng.sample(ip.products, 2)),
        "capacity_wan": "",
        "utilisation_pct": "",
        "main_customers": ";".join(rng.sample(ip.customers, min(2, len(ip.customers)))),
        "main_markets": ";".join(markets),
        "supplier_count": str(max(3, round(rev / 10000 * ip.suppliers_per_100m * rng.uniform(0.5, 1.6)))),
        "competitive_position": position,
        "market_share_pct": pct(min(60.0, share_base * rng.uniform(0.5, 1.5))),
        "investment_plan_wan": "",
        "relationship_since": "",
        "manager_id": "",
        "n_banks": "",
        "our_bank_rank": "",
        "wallet_disclosed_wan": "",
        "pool": "",
    }


def unique_name(rng: random.Random, p: Profile, taken: set[str]) -> str:
    """A company name not used by any earlier client."""
    while True:
        name = company_name(rng, p.city, p.industry, group=p.size == "大型" and rng.random() < 0.5)
        if name not in taken:
            taken.add(name)
            return name
