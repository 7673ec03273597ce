"""Key-account portfolio: attractiveness, our relative position, the matrix and relationship stages.

The documented rules (curriculum module 6):

- Every factor is scored 1-5 by fixed thresholds; a threshold is the *lower* bound of its score
  (a value exactly on a threshold gets the higher score).
- Account attractiveness (客户吸引力) = 0.30 规模 + 0.25 成长性 + 0.20 行业前景 + 0.25 行业地位:

  - 规模: last year's revenue (万元) < 1,000 → 1; < 5,000 → 2; < 20,000 → 3; < 100,000 → 4; else 5.
  - 成长性: last year's revenue growth (%) < 0 → 1; < 5 → 2; < 10 → 3; < 20 → 4; else 5.
  - 行业前景: industry outlook 下行 → 1, 平稳 → 3, 上行 → 5.
  - 行业地位: competitive position 边缘 → 1, 一般 → 2, 骨干 → 4, 龙头 → 5.

- Our relative position (我行相对地位) = 0.40 我行排名 + 0.35 钱包份额 + 0.25 产品覆盖:

  - 我行排名: our rank among the client's banks 1 → 5, 2 → 4, 3 → 3, 4 → 2, 5 or worse → 1.
  - 钱包份额: share of wallet (`grading.methods.value.share_of_wallet`) < 0.10 → 1; < 0.25 → 2;
    < 0.40 → 3; < 0.60 → 4; else 5.
  - 产品覆盖: product lines held now (not closed) ≤ 2 → 1, 3 → 2, 4 → 3, 5 → 4, ≥ 6 → 5.

- Both scores are exact to two decimals (integer factor scores times weights in hundredths).
- Matrix (McDonald): an axis is high when its score is ≥ 3.00 (3.00 itself is high).
  high/high → 投资发展, high attractiveness/weak position → 选择性投资,
  low attractiveness/strong position → 维持巩固, low/low → 管理现金流.
- Relationship stage, first rule that holds: rank 1 and ≥ 6 product lines → 整合型;
  rank 1 and ≥ 4 → 相互依赖型; ≥ 4 product lines → 合作型; 3 → 基础型; otherwise 探索型.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Final

import pandas as pd

from casebank.load import CaseBank
from grading.methods.needs import active_products
from grading.methods.value import share_of_wallet

ATTRACTIVENESS_WEIGHTS: Final = {"规模": 30, "成长性": 25, "行业前景": 20, "行业地位": 25}
"""Attractiveness factor -> weight in hundredths (sum 100)."""
POSITION_WEIGHTS: Final = {"我行排名": 40, "钱包份额": 35, "产品覆盖": 25}
"""Position factor -> weight in hundredths (sum 100)."""

REVENUE_BOUNDS_WAN: Final = (1_000.0, 5_000.0, 20_000.0, 100_000.0)
GROWTH_BOUNDS_PCT: Final = (0.0, 5.0, 10.0, 20.0)
SOW_BOUNDS: Final = (0.10, 0.25, 0.40, 0.60)
OUTLOOK_SCORES: Final = {"下行": 1, "平稳": 3, "上行": 5}
POSITION_SCORES: Final = {"边缘": 1, "一般": 2, "骨干": 4, "龙头": 5}
RANK_SCORES: Final = {1: 5, 2: 4, 3: 3, 4: 2}
PRODUCT_COUNT_SCORES: Final = {3: 2, 4: 3, 5: 4}

HIGH_MIN: Final = 3.0
QUADRANT_INVEST: Final = "投资发展"
QUADRANT_SELECTIVE: Final = "选择性投资"
QUADRANT_MAINTAIN: Final = "维持巩固"
QUADRANT_CASH: Final = "管理现金流"
QUADRANTS: Final = (QUADRANT_INVEST, QUADRANT_SELECTIVE, QUADRANT_MAINTAIN, QUADRANT_CASH)
STAGES: Final = ("探索型", "基础型", "合作型", "相互依赖型", "整合型")


def banded_score(value: float, bounds: tuple[float, ...]) -> int:
    """Return 1 + the number of bounds that ``value`` reaches (a bound is inclusive)."""
    return 1 + bisect_right(bounds, value)


def rank_score(rank: int) -> int:
    """Return the 1-5 score of our rank among the client's banks (5 or worse scores 1)."""
    return RANK_SCORES.get(rank, 1)


def product_count_score(count: int) -> int:
    """Return the 1-5 score of the number of product lines held (≤ 2 → 1, ≥ 6 → 5)."""
    if count <= 2:
        return 1
    return PRODUCT_COUNT_SCORES.get(count, 5)


def weighted_score(scores: dict[str, int], weights: dict[str, int]) -> float:
    """Return Σ weight · score with weights in hundredths; exact to two decimals."""
    return sum(weights[name] * scores[name] for name in weights) / 100


def factor_scores(bank: CaseBank) -> pd.DataFrame:
    """Return every client's 1-5 factor scores (index client id, one column per factor)."""
    c = bank.clients
    ids = [str(cid) for cid in c["client_id"]]
    revenue = bank.sales.pivot(index="client_id", columns="year", values="revenue_wan")
    last, prev = sorted(revenue.columns)[-2:][::-1]
    size = revenue[last].to_dict()
    growth = ((revenue[last] / revenue[prev] - 1) * 100).to_dict()
    outlook = dict(
        zip(bank.industries["industry"].astype(str), bank.industries["outlook"].astype(str), strict=True)
    )
    sow = share_of_wallet(bank).to_dict()
    held = active_products(bank)
    rows = {
        cid: {
            "规模": banded_score(float(size[cid]), REVENUE_BOUNDS_WAN),
            "成长性": banded_score(float(growth[cid]), GROWTH_BOUNDS_PCT),
            "行业前景": OUTLOOK_SCORES[outlook[str(industry)]],
            "行业地位": POSITION_SCORES[str(position)],
            "我行排名": rank_score(int(rank)),
            "钱包份额": banded_score(float(sow[cid]), SOW_BOUNDS),
            "产品覆盖": product_count_score(len(held[cid])),
        }
        for cid, industry, position, rank in zip(
            ids, c["industry"], c["competitive_position"], c["our_bank_rank"], strict=True
        )
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("client_id")


def quadrant(attractiveness: float, position: float) -> str:
    """Return the matrix quadrant; an axis is high at ≥ 3.00."""
    high_attr, strong = attractiveness >= HIGH_MIN, position >= HIGH_MIN
    if high_attr:
        return QUADRANT_INVEST if strong else QUADRANT_SELECTIVE
    return QUADRANT_MAINTAIN if strong else QUADRANT_CASH


def relationship_stage(our_rank: int, product_lines: int) -> str:
    """Return the relationship stage from our rank and the product lines held now."""
    if our_rank == 1 and product_lines >= 6:
        return "整合型"
    if our_rank == 1 and product_lines >= 4:
        return "相互依赖型"
    if product_lines >= 4:
        return "合作型"
    if product_lines == 3:
        return "基础型"
    return "探索型"


def portfolio(bank: CaseBank) -> pd.DataFrame:
    """Return attractiveness, position, quadrant and relationship stage per client."""
    scores = factor_scores(bank)
    ranks = dict(zip(bank.clients["client_id"].astype(str), bank.clients["our_bank_rank"], strict=True))
    held = active_products(bank)
    records = {str(cid): {str(k): int(v) for k, v in row.items()} for cid, row in scores.iterrows()}
    out = pd.DataFrame(index=scores.index)
    out["attractiveness"] = [weighted_score(records[cid], ATTRACTIVENESS_WEIGHTS) for cid in out.index]
    out["position"] = [weighted_score(records[cid], POSITION_WEIGHTS) for cid in out.index]
    out["quadrant"] = [quadrant(a, p) for a, p in zip(out["attractiveness"], out["position"], strict=True)]
    out["stage"] = [relationship_stage(int(ranks[cid]), len(held[cid])) for cid in out.index]
    return out
