"""Generate a whole case bank: the facts for `casebank/data` and the assessor key.

Every client is drawn from its own random stream (seeded by the bank seed, the client number
and an attempt number), so the bank is reproducible byte for byte from the seed. After
drawing, the bank is read back with `casebank.load` and checked with the reference methods of
`grading.methods`: a client whose facts do not show exactly its intended truth is redrawn.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from casebank import vocab
from casebank.errors import BankError
from casebank.load import load_bank
from casebank.manifest import bank_version, dump_json, sha256_file
from casebank.schema import MANIFEST_FILE, SCHEMA_VERSION, TABLES, Table
from grading.casegen import notes, profile, relationship
from grading.casegen.holdings import holdings_rows
from grading.casegen.names import person_name
from grading.casegen.profile import AS_OF, Row, iso
from grading.casegen.relationship import Truth
from grading.methods import needs as needs_rules
from grading.methods import relationship as rel

GENERATOR_VERSION: Final = "1.1.0"
DEFAULT_SEED: Final = 20261126
DEFAULT_CLIENTS: Final = 360
PRACTICE_SHARE: Final = 1 / 3
MAX_ROUNDS: Final = 30
KEY_MANIFEST: Final = "key_manifest.json"
KEY_TRUTH_FILE: Final = "truth.csv"
KEY_TRUTH_COLUMNS: Final = (
    "client_id",
    "stated_needs",
    "latent_needs",
    "fitting_products",
    "churn_signals",
    "health_score",
    "churn_risk",
)
COST_RATES: Final = {"拜访": "0.50", "交易": "0.02", "投诉处理": "1.50"}


@dataclass
class ClientFacts:
    """All rows about one client plus the truth they were drawn to show."""

    client: Row
    truth: Truth
    tables: dict[str, list[Row]] = field(default_factory=dict)


def _managers(seed: int) -> list[Row]:
    rng = random.Random(f"{seed}:managers")
    rows = []
    industries = list(vocab.INDUSTRIES)
    for r, region in enumerate(vocab.REGIONS):
        for k in range(2):
            rows.append(
                {
                    "manager_id": f"M{2 * r + k + 1:02d}",
                    "name": person_name(rng),
                    "region": region,
                    "expertise": ";".join(sorted(rng.sample(industries, 3), key=industries.index)),
                    "max_clients": str(rng.choice((30, 35, 40))),
                    "selling_hours": str(rng.choice((1200, 1400, 1500))),
                }
            )
    return rows


def _draw_client(seed: int, number: int, attempt: int, managers: list[Row], taken: set[str]) -> ClientFacts:
    cid = f"C{number:04d}"
    rng = random.Random(f"{seed}:client:{number}:{attempt}")
    p = profile.make_profile(rng, cid, growth_boost=rng.random() < 0.15)
    row = profile.client_row(rng, p, profile.unique_name(rng, p, taken))
    units, people = profile.org_and_people(rng, p)

    truth = Truth()
    truth.evidence = relationship.decide_evidence(rng, p, row)
    truth.held = relationship.decide_holdings(rng, p, truth.evidence)
    truth.stated = relationship.decide_stated(rng, truth)
    truth.signals = relationship.decide_signals(rng, truth)
    if "product_closed" in truth.signals:
        closable = [x for x in ("国际结算", "对公理财", "代发工资", "现金管理") if x in truth.held]
        truth.closed_product = rng.choice(closable)

    local = [m for m in managers if m["region"] == p.region]
    experts = [m for m in local if p.industry in m["expertise"].split(";")]
    manager_id = rng.choice(experts or local)["manager_id"]
    since = dt.date(max(p.founded_year, 1998), 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
    since = min(since, AS_OF - dt.timedelta(days=730))
    n_banks = {"大型": (3, 8), "中型": (2, 5), "小型": (1, 3), "微型": (1, 2)}[p.size]
    banks = rng.randint(*n_banks)
    rank = rng.randint(1, banks)

    holdings = holdings_rows(rng, p, truth, since)
    quarterly = relationship.quarterly_rows(rng, p, truth, holdings, rank)
    relationship.mark_departures(rng, truth, people)
    visits = relationship.visit_rows(rng, p, truth, quarterly, people, manager_id)
    transactions = relationship.transaction_rows(rng, p, truth, holdings)
    complaints = relationship.complaint_rows(rng, p, truth)
    # Notes draw from their own stream: rewording them leaves every number of the bank as it is.
    note_rng = random.Random(f"{seed}:notes:{number}:{attempt}")
    note_rows = notes.note_rows(note_rng, p, row, truth, people, complaints, holdings, manager_id)

    ours = sum(float(h["revenue_wan"]) for h in holdings)
    if rng.random() < 0.5:
        war = (1 - rank / (banks + 1)) * 2 / banks
        share = min(0.95, max(0.02, war * rng.uniform(0.7, 1.3)))
        row["wallet_disclosed_wan"] = profile.money(max(ours / share, ours + 0.01))
    row.update(
        relationship_since=iso(since),
        manager_id=manager_id,
        n_banks=str(banks),
        our_bank_rank=str(rank),
    )
    return ClientFacts(
        client=row,
        truth=truth,
        tables={
            "org_units": units,
            "people": [{k: str(v) for k, v in pp.items()} for pp in people],
            "sales": profile.sales_rows(rng, p),
            "holdings": holdings,
            "quarterly": quarterly,
            "transactions": transactions,
            "visits": visits,
            "complaints": complaints,
            "notes": note_rows,
        },
    )


def _assign_pools(seed: int, clients: list[ClientFacts], practice_share: float = PRACTICE_SHARE) -> None:
    """Split clients into practice and exam pools within each industry x size stratum."""
    strata: dict[tuple[str, str], list[ClientFacts]] = {}
    for c in clients:
        strata.setdefault((c.client["industry"], c.client["size"]), []).append(c)
    for key in sorted(strata):
        members = strata[key]
        rng = random.Random(f"{seed}:pool:{key[0]}:{key[1]}")
        order = rng.sample(members, len(members))
        practice = round(len(members) * practice_share) if len(members) > 1 else 0
        for i, c in enumerate(order):
            c.client["pool"] = vocab.POOL_PRACTICE if i < practice else vocab.POOL_EXAM


def _csv_text(table: Table, rows: list[Row]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    columns = table.column_names
    writer.writerow(columns)
    writer.writerows([r[c] for c in columns] for r in rows)
    return buffer.getvalue()


def _jsonl_text(table: Table, rows: list[Row]) -> str:
    return "".join(json.dumps({c: r[c] for c in table.column_names}, ensure_ascii=False) + "\n" for r in rows)


def _table_rows(seed: int, managers: list[Row], clients: list[ClientFacts]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {
        "industries": [
            {
                "industry": name,
                "industry_en": en,
                "growth_pct": f"{profile.INDUSTRY_PROFILES[name].growth_pct:.1f}",
                "outlook": "上行"
                if profile.INDUSTRY_PROFILES[name].growth_pct >= 8
                else ("下行" if profile.INDUSTRY_PROFILES[name].growth_pct < 2 else "平稳"),
                "avg_margin_pct": f"{profile.INDUSTRY_PROFILES[name].margin_pct:.1f}",
            }
            for name, en in vocab.INDUSTRIES.items()
        ],
        "products": [
            {"product": k, "category": cat, "product_en": en} for k, (cat, en) in vocab.PRODUCTS.items()
        ],
        "cost_rates": [{"activity": k, "unit_cost_wan": v} for k, v in COST_RATES.items()],
        "managers": managers,
        "clients": [c.client for c in clients],
    }
    for name in (
        "org_units",
        "people",
        "sales",
        "holdings",
        "quarterly",
        "transactions",
        "visits",
        "complaints",
        "notes",
    ):
        out[name] = [r for c in clients for r in c.tables[name]]
    for i, r in enumerate(out["transactions"], start=1):
        r["txn_id"] = f"T{i:06d}"
    for c in clients:
        for i, r in enumerate(c.tables["complaints"], start=1):
            r["complaint_id"] = f"{c.client['client_id']}-K{i:02d}"
    return out


def _write_facts(directory: Path, seed: int | None, tables: dict[str, list[Row]]) -> dict[str, str]:
    digests: dict[str, str] = {}
    files: dict[str, dict[str, object]] = {}
    for table in TABLES:
        rows = tables[table.name]
        text = _jsonl_text(table, rows) if table.jsonl else _csv_text(table, rows)
        path = directory / table.file
        path.write_text(text, encoding="utf-8", newline="")
        digests[table.file] = sha256_file(path)
        files[table.file] = {"sha256": digests[table.file], "rows": len(rows)}
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "as_of": vocab.AS_OF,
        "bank_version": bank_version(digests),
        "files": files,
    }
    (directory / MANIFEST_FILE).write_text(dump_json(manifest), encoding="utf-8")
    return digests


def _mismatches(directory: Path, clients: list[ClientFacts]) -> list[int]:
    """Indices of clients whose facts do not show their intended truth."""
    bank = load_bank(directory, validate=False)
    shown = needs_rules.needs_shown_in_data(bank)
    signals = rel.churn_signals(bank)
    shown_signals = {  # one pass over the frame; a lookup per client and signal took ~1 s per round
        cid: {s for s, on in zip(signals.columns, row, strict=True) if on}
        for cid, row in zip(signals.index, signals.to_numpy(dtype=bool), strict=True)
    }
    bad = []
    for i, c in enumerate(clients):
        cid = c.client["client_id"]
        found = shown_signals[cid]
        if sorted(shown[cid]) != sorted(c.truth.latent) or found != c.truth.signals:
            bad.append(i)
    return bad


def _key_rows(clients: list[ClientFacts]) -> list[Row]:
    rows = []
    for c in clients:
        t = c.truth
        score = 100 - sum(rel.SIGNALS_BY_CODE[s].weight for s in t.signals)
        products = [needs_rules.NEEDS_BY_CODE[n].product for n in t.stated + t.latent]
        rows.append(
            {
                "client_id": c.client["client_id"],
                "stated_needs": ";".join(t.stated),
                "latent_needs": ";".join(t.latent),
                "fitting_products": ";".join(sorted(products, key=list(vocab.PRODUCTS).index)),
                "churn_signals": ";".join(s.code for s in rel.SIGNALS if s.code in t.signals),
                "health_score": str(score),
                "churn_risk": rel.risk_band(score),
            }
        )
    return rows


def _write_key(directory: Path, seed: int, facts_version: str, clients: list[ClientFacts]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=KEY_TRUTH_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_key_rows(clients))
    path = directory / KEY_TRUTH_FILE
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    manifest = {
        "bank_version": facts_version,
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "files": {KEY_TRUTH_FILE: {"sha256": sha256_file(path), "rows": len(clients)}},
    }
    (directory / KEY_MANIFEST).write_text(dump_json(manifest), encoding="utf-8")


def _replace_dir(staged: Path, target: Path, marker: str) -> None:
    """Move a fully written directory into place; an existing target must be a bank."""
    if target.exists():
        if not target.is_dir():
            raise BankError(f"{target}: exists and is not a directory; choose another --out.")
        contents = list(target.iterdir())
        if contents and not (target / marker).is_file():
            raise BankError(
                f"{target}: directory is not empty and holds no {marker}; refusing to overwrite "
                "it. Choose an empty or new directory."
            )
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
        staged.rename(target)
        shutil.rmtree(old)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(target)


def _check_arguments(out_path: Path, key_path: Path, clients: int, practice_share: float) -> None:
    """Refuse a key inside the facts or the casebank package, too few clients, a bad share.

    Raises:
        BankError: naming the argument and what to choose instead.
    """
    package_dir = Path(__file__).resolve().parents[2] / "casebank"
    for forbidden in (out_path, package_dir):
        if key_path == forbidden or forbidden in key_path.parents:
            raise BankError(
                f"--key-out {key_path} is inside {forbidden}; the assessor key must stay apart "
                "from the trainee-side facts. Choose a directory outside it."
            )
    if clients < 20:
        raise BankError(f"--clients {clients}: a bank needs at least 20 clients.")
    if not 0.0 <= practice_share < 1.0:
        raise BankError(f"practice share {practice_share}: must be at least 0 and below 1.")


def generate_bank(
    out: Path | str,
    key_out: Path | str,
    *,
    seed: int = DEFAULT_SEED,
    clients: int = DEFAULT_CLIENTS,
    practice_share: float = PRACTICE_SHARE,
    publish_seed: bool = True,
) -> Path:
    """Generate a case bank and its assessor key.

    Args:
        out: directory for the facts (trainee side); replaced whole when it holds a bank.
        key_out: directory for the assessor key; must not be inside ``out`` or the casebank
            package.
        seed: the seed; the same seed gives the same bytes.
        clients: number of clients.
        practice_share: share of each industry x size stratum put in the practice pool (0 for
            a bank that is all exam pool, such as a course's secret exam pool).
        publish_seed: write the seed into the facts' manifest; False for a secret exam pool,
            whose seed only the key's manifest (assessor side) records.

    Returns:
        The facts directory.

    Raises:
        BankError: bad arguments, or a target that is not a bank directory.
    """
    out_path, key_path = Path(out).resolve(), Path(key_out).resolve()
    _check_arguments(out_path, key_path, clients, practice_share)
    managers = _managers(seed)
    taken: set[str] = set()
    attempts = [0] * clients
    drawn = [_draw_client(seed, i + 1, 0, managers, taken) for i in range(clients)]
    with tempfile.TemporaryDirectory(
        prefix=".casebank-", dir=out_path.parent if out_path.parent.exists() else None
    ) as tmp:
        staged = Path(tmp) / "facts"
        staged.mkdir()
        for _ in range(MAX_ROUNDS):
            _assign_pools(seed, drawn, practice_share)
            _write_facts(staged, seed if publish_seed else None, _table_rows(seed, managers, drawn))
            bad = _mismatches(staged, drawn)
            if not bad:
                break
            for i in bad:
                taken.discard(drawn[i].client["name"])
                attempts[i] += 1
                drawn[i] = _draw_client(seed, i + 1, attempts[i], managers, taken)
        else:
            raise BankError(
                f"seed {seed}: could not draw consistent clients in {MAX_ROUNDS} rounds; try another seed."
            )
        digests = {t.file: sha256_file(staged / t.file) for t in TABLES}
        staged_key = Path(tmp) / "key"
        staged_key.mkdir()
        _write_key(staged_key, seed, bank_version(digests), drawn)
        _replace_dir(staged, out_path, MANIFEST_FILE)
        _replace_dir(staged_key, key_path, KEY_MANIFEST)
    return out_path
