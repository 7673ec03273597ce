"""Meeting and call notes in Chinese, written from the client's truth.

Stated needs are requests that name the product, in many phrasings; latent needs only show as
situations the client describes (never a product, never a request); churn signals leave
traces in the latest note; distractors (products held or declined, small talk, other
companies' news) and routine sentences make up the rest, as in real notes. The templates are
in `grading.casegen.need_phrases` and `grading.casegen.note_phrases`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

from casebank import vocab
from grading.casegen import need_phrases as needp
from grading.casegen import note_phrases as notep
from grading.casegen.profile import AS_OF, Profile, Row, iso
from grading.casegen.relationship import EXPORTER_MIN_PCT, Truth, random_day
from grading.methods import relationship as rel
from grading.methods.needs import NEEDS, NEEDS_BY_CODE

WHO: Final = "{who}"
#: Products every client holds (never offered as a distractor).
BASE_PRODUCTS: Final = ("对公存款", "结算与账户")
FOLLOW_UP_CHANCE: Final = 0.4
SECOND_HINT_CHANCE: Final = 0.5
CLOSER_CHANCE: Final = 0.3

People = list[dict[str, str | int]]


def _fill(template: str, values: dict[str, str]) -> str:
    """Fill every slot but ``{who}``, which each note fills with its own contact."""
    return template.format_map(values | {"who": WHO})


def _who(rng: random.Random, people: People, senior_ok: bool) -> tuple[str, str]:
    """A current contact as a note names them: in full first (财务总监王总), then short (王总)."""
    present = [p for p in people if not p["left_on"] and p["level"] != "基层"]
    if not senior_ok:
        present = [p for p in present if p["level"] != "高层"] or [p for p in people if not p["left_on"]]
    person = rng.choice(present)
    title, name = str(person["title"]), str(person["name"])
    if person["level"] == "高层":
        return f"{title}{name[0]}总", f"{name[0]}总"
    return f"{title}{name}", f"{name[0]}经理" if title.endswith("经理") else name


def _name_contact(text: str, full: str, short: str) -> str:
    """Name the contact in full at the first mention and short afterwards."""
    head, _, tail = text.partition(WHO)
    return head + full + tail.replace(WHO, short) if _ else text


def _values(
    rng: random.Random, p: Profile, row: Row, truth: Truth, people: People, complaints: list[Row]
) -> dict[str, str]:
    """Slot values from the client's own facts."""
    values = {
        "plan": row["investment_plan_wan"].split(".")[0] or "0",
        "days": str(rng.choice((90, 120, 150, 180))),
        "suppliers": str(int(row["supplier_count"]) // 100 * 100),
        "subs": row["subsidiaries"],
        "employees": str(p.employees),
        "products": "、".join(row["main_products"].split(";")),
        "customers": "、".join(row["main_customers"].split(";")),
        "city": p.city,
        "product": truth.closed_product,
        "category": next((c["category"] for c in complaints if c["escalated"] == "true"), ""),
    }
    if truth.left_person:
        person = next(pp for pp in people if pp["person_id"] == truth.left_person)
        left = dt.date.fromisoformat(str(person["left_on"]))
        values |= {
            "title": str(person["title"]),
            "name": str(person["name"]),
            "left": f"{left.year}年{left.month}月{left.day}日",
        }
        values["left_month"] = str(left.month)
    return values


def _need_sentences(
    rng: random.Random, truth: Truth, values: dict[str, str], exporter: bool
) -> tuple[list[str], list[str]]:
    """Sentences of stated and latent needs: (for any note, for the latest note).

    A client that does not export asks for trade finance or FX derivatives for its imports.
    """
    body: list[str] = []
    recent: list[str] = []
    for code in truth.stated:
        named = values | {"product": NEEDS_BY_CODE[code].product}
        specific = [t for t in needp.STATED_SPECIFIC[code] if exporter or t not in needp.EXPORT_ONLY]
        body.append(_fill(rng.choice(needp.STATED_ANY + tuple(specific)), named))
        if rng.random() < FOLLOW_UP_CHANCE:
            recent.append(_fill(rng.choice(needp.STATED_FOLLOW_UP), named))
    for code in truth.latent:
        if code == "idle_cash":
            recent.append(_fill(rng.choice(needp.LATENT[code]), values))
            continue
        count = 2 if rng.random() < SECOND_HINT_CHANCE else 1
        body += [_fill(t, values) for t in rng.sample(needp.LATENT[code], count)]
    return body, recent


def _distractors(rng: random.Random, truth: Truth, holdings: list[Row], values: dict[str, str]) -> list[str]:
    """Products held or declined, small talk, other companies' news and routine sentences."""
    active = [h["product"] for h in holdings if not h["closed_on"] and h["product"] not in BASE_PRODUCTS]
    ever = {h["product"] for h in holdings}
    wanted = {NEEDS_BY_CODE[c].product for c in truth.stated} | {
        n.product for n in NEEDS if n.code in truth.evidence
    }
    declinable = [x for x in vocab.PRODUCTS if x not in ever | wanted | set(BASE_PRODUCTS)]
    out: list[str] = []
    if active and rng.random() < 0.7:
        out.append(_fill(rng.choice(notep.HELD), values | {"product": rng.choice(active)}))
    if declinable and rng.random() < 0.6:
        out.append(_fill(rng.choice(notep.DECLINED), values | {"product": rng.choice(declinable)}))
    out.append(_fill(rng.choice(notep.SMALL_TALK), values))
    if rng.random() < 0.5:
        out.append(_fill(rng.choice(notep.OTHERS_NEWS), values))
    out += [_fill(t, values) for t in rng.sample(notep.ROUTINE, rng.randint(1, 2))]
    return out


def note_rows(
    rng: random.Random,
    p: Profile,
    row: Row,
    truth: Truth,
    people: People,
    complaints: list[Row],
    holdings: list[Row],
    manager_id: str,
) -> list[Row]:
    """Two to five notes of the last twelve months that carry the client's truth."""
    values = _values(rng, p, row, truth, people, complaints)
    exporter = float(f"{p.export_share[2025]:.1f}") >= EXPORTER_MIN_PCT
    body, recent = _need_sentences(rng, truth, values, exporter)
    body += _distractors(rng, truth, holdings, values)
    # Signals and recent balances are news of the last weeks: they go into the latest note.
    recent += [_fill(rng.choice(notep.SIGNALS[code]), values) for code in sorted(truth.signals)]
    rng.shuffle(body)
    rng.shuffle(recent)

    count = min(len(body), rng.randint(2, 5))
    days = sorted(
        {
            random_day(rng, AS_OF - dt.timedelta(days=350), AS_OF - dt.timedelta(days=30))
            for _ in range(count - 1)
        }
    )
    days.append(AS_OF - dt.timedelta(days=rng.randint(1, 4)))
    senior_cutoff = AS_OF - dt.timedelta(days=rel.SENIOR_CONTACT_DAYS)
    notes = []
    for i, day in enumerate(days):
        chunk = body[i :: len(days)] + (recent if i == len(days) - 1 else [])
        senior_ok = "no_senior_contact_90d" not in truth.signals or day < senior_cutoff
        full, short = _who(rng, people, senior_ok)
        kind = rng.choices(vocab.NOTE_KINDS, weights=(6, 3, 1))[0]
        opener = rng.choice(notep.OPENERS[kind]).format(month=day.month, day=day.day, who=WHO)
        closer = rng.choice(notep.CLOSERS) if rng.random() < CLOSER_CHANCE else ""
        text = _name_contact(opener + "".join(chunk) + closer, full, short)
        notes.append(
            {
                "note_id": f"{p.client_id}-N{i + 1:02d}",
                "client_id": p.client_id,
                "date": iso(day),
                "author": manager_id,
                "kind": kind,
                "text": text,
            }
        )
    return notes
