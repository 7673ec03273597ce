"""The generator's notes are varied and honest to the key; banks and exam pools reproduce byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from casebank import vocab
from casebank.load import CaseBank
from grading.casegen import generate_bank
from grading.casegen import need_phrases as needp
from grading.casegen import note_phrases as notep
from grading.casegen.holdings import held_share
from grading.casegen.phrasing import (
    MIN_PHRASINGS_PER_NEED,
    need_phrasings,
    need_templates,
    sentences,
    signal_phrasings,
    template_pattern,
)
from grading.casegen.pool import STAMP_FILE, generate_pool
from grading.casegen.relationship import EXPORTER_MIN_PCT
from grading.methods.needs import NEEDS_BY_CODE, STATED_CUES
from tests.conftest import KEY_DIR

MIN_PHRASINGS_PER_SIGNAL = 6
POOL_CLIENTS = 30


def truth() -> pd.DataFrame:
    return pd.read_csv(KEY_DIR / "truth.csv", dtype=str, keep_default_na=False).set_index("client_id")


def client_texts(bank: CaseBank) -> dict[str, str]:
    return {str(k): str(v) for k, v in bank.notes.groupby("client_id")["text"].apply("".join).items()}


def all_templates() -> list[str]:
    stated = [t for ts in needp.STATED_SPECIFIC.values() for t in ts]
    latent = [t for ts in needp.LATENT.values() for t in ts]
    signals = [t for ts in notep.SIGNALS.values() for t in ts]
    others = notep.HELD + notep.DECLINED + notep.SMALL_TALK + notep.OTHERS_NEWS + notep.ROUTINE
    return list(needp.STATED_ANY + needp.STATED_FOLLOW_UP) + stated + latent + signals + list(others)


def test_the_canonical_bank_phrases_every_need_in_many_ways(bank: CaseBank) -> None:
    counts = need_phrasings(bank.notes["text"])
    assert set(counts) == set(NEEDS_BY_CODE)
    assert min(counts.values()) >= MIN_PHRASINGS_PER_NEED, counts
    signals = signal_phrasings(bank.notes["text"])
    assert min(signals.values()) >= MIN_PHRASINGS_PER_SIGNAL, signals


def test_the_phrasing_count_counts_templates_not_sentences() -> None:
    need = NEEDS_BY_CODE["working_capital"]
    first, second = needp.LATENT["working_capital"][:2]
    texts = [
        first.format(who="财务总监王总"),
        first.format(who="张经理") + second.format(who="李总"),
        needp.STATED_ANY[0].format(who="王总", product=need.product),
        needp.STATED_ANY[0].format(who="王总", product="贸易融资"),
    ]
    counts = need_phrasings(texts)
    assert counts["working_capital"] == 3
    assert counts["trade_finance"] == 1
    assert counts["fx_hedging"] == 0


def test_every_template_is_one_sentence() -> None:
    for template in all_templates():
        assert template.endswith("。") and template.count("。") == 1, template
        assert sentences(template) == [template]


def test_each_template_matches_only_itself() -> None:
    for code, pairs in need_templates().items():
        product = NEEDS_BY_CODE[code].product
        for template, _ in pairs:
            filled = template.format_map({"who": "王总", "product": product} | _SLOTS)
            matched = [t for t, pattern in pairs if pattern.fullmatch(filled)]
            assert matched == [template], (code, template, matched)


_SLOTS = {"plan": "5000", "days": "120", "suppliers": "400", "subs": "6", "employees": "800"}


def test_latent_hints_never_name_a_product_or_ask_for_one() -> None:
    for code, templates in needp.LATENT.items():
        for template in templates:
            assert not [p for p in vocab.PRODUCTS if p in template], (code, template)
            assert not re.search(r"希望我行|请我们|想在我行|问我行", template), (code, template)


def test_stated_requests_name_the_product() -> None:
    for template in needp.STATED_ANY + needp.STATED_FOLLOW_UP:
        assert "{product}" in template
    for code, templates in needp.STATED_SPECIFIC.items():
        for template in templates:
            assert NEEDS_BY_CODE[code].product in template, (code, template)


def test_stated_needs_show_as_requests_and_latent_needs_are_never_named(bank: CaseBank) -> None:
    key, texts = truth(), client_texts(bank)
    templates = need_templates()
    for cid, row in key.iterrows():
        said = sentences(texts.get(str(cid), ""))
        for code in filter(None, row["stated_needs"].split(";")):
            stated = templates[code][: -len(needp.LATENT[code])]
            assert any(p.fullmatch(s) for s in said for _, p in stated), (cid, code)
        for code in filter(None, row["latent_needs"].split(";")):
            assert NEEDS_BY_CODE[code].product not in texts.get(str(cid), ""), (cid, code)


def test_notes_carry_distractors(bank: CaseBank) -> None:
    said = [s for text in bank.notes["text"] for s in sentences(str(text))]
    for group in (notep.HELD, notep.DECLINED, notep.SMALL_TALK, notep.OTHERS_NEWS):
        prefixes = [t.split("{")[0] for t in group if not t.startswith("{")]
        assert any(s.startswith(p) for s in said for p in prefixes if p), group[0]


def test_distractors_do_not_look_like_requests() -> None:
    for template in notep.HELD + notep.DECLINED:
        for cue in STATED_CUES:
            assert cue.format(product="X") not in template.replace("{product}", "X"), template


def test_a_generated_exam_pool_regenerates_byte_for_byte_from_its_seed(tmp_path: Path) -> None:
    pool = generate_pool(tmp_path / "pool", clients=POOL_CLIENTS)
    seed = json.loads((pool.key / "key_manifest.json").read_text(encoding="utf-8"))["seed"]
    again = tmp_path / "again"
    generate_bank(
        again / "facts",
        again / "key",
        seed=seed,
        clients=POOL_CLIENTS,
        practice_share=0.0,
        publish_seed=False,
    )
    # The pool's key also holds its validation stamp (not generated data, see grading.casegen.pool).
    assert (pool.key / STAMP_FILE).is_file()
    for directory, copy in ((pool.facts, again / "facts"), (pool.key, again / "key")):
        names = sorted(p.name for p in directory.iterdir() if p.name != STAMP_FILE)
        assert names == sorted(p.name for p in copy.iterdir())
        for name in names:
            assert (directory / name).read_bytes() == (copy / name).read_bytes(), name


@pytest.mark.parametrize("seed", [3, 11])
def test_the_same_seed_gives_the_same_bytes_twice(tmp_path: Path, seed: int) -> None:
    for run in ("a", "b"):
        generate_bank(tmp_path / run / "facts", tmp_path / run / "key", seed=seed, clients=POOL_CLIENTS)
    for part in ("facts", "key"):
        for path in sorted((tmp_path / "a" / part).iterdir()):
            assert path.read_bytes() == (tmp_path / "b" / part / path.name).read_bytes(), path.name


def test_clients_that_do_not_export_ask_for_fx_and_trade_finance_for_imports(bank: CaseBank) -> None:
    exports = bank.sales[bank.sales["year"] == bank.sales["year"].max()].set_index("client_id")[
        "export_share_pct"
    ]
    patterns = [template_pattern(t, {}) for t in needp.EXPORT_ONLY]
    for cid, text in client_texts(bank).items():
        if exports[cid] < EXPORTER_MIN_PCT:
            assert not [s for s in sentences(text) for p in patterns if p.fullmatch(s)], cid


@pytest.mark.parametrize(
    ("opened", "closed", "share"),
    [
        ("2020-01-01", None, 1.0),
        ("2026-04-02", None, 89 / 365),
        ("2020-01-01", "2025-12-31", 184 / 365),
        ("2020-01-01", "2025-03-31", 0.0),
        ("2026-06-30", None, 0.0),
    ],
)
def test_a_holding_earns_for_the_days_held_in_the_last_year(
    opened: str, closed: str | None, share: float
) -> None:
    end = dt.date.fromisoformat(closed) if closed else None
    assert held_share(dt.date.fromisoformat(opened), end) == pytest.approx(share)


def test_holdings_in_the_canonical_bank_are_pro_rata(bank: CaseBank) -> None:
    """Revenue per unit of balance is the product's rate whatever the months held."""
    h = bank.holdings[bank.holdings["avg_balance_wan"] > 100]
    ratio = (h["revenue_wan"] / h["avg_balance_wan"]).groupby(h["product"], observed=True).agg(["min", "max"])
    assert ((ratio["max"] - ratio["min"]) < 0.001).all(), ratio
    recent = bank.holdings[bank.holdings["opened_on"] > bank.as_of - pd.Timedelta(days=365)]
    assert len(recent) > 0
