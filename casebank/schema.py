"""The case-bank schema: every table, its columns, types, ranges and references.

The schema is declared once here and drives three things: the validator (`casebank.validate`),
the pandas dtypes of the loaders (`casebank.load`) and the generator's column order. A column
is a small typed record; a table is a file name plus its columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from casebank import vocab

SCHEMA_VERSION: Final = "1.0"
MANIFEST_FILE: Final = "manifest.json"


class Kind(Enum):
    """The type of a column's values as written in the files."""

    STR = "str"
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    BOOL = "bool"
    QUARTER = "quarter"


@dataclass(frozen=True)
class Column:
    """One column (CSV) or field (JSON Lines) of a table."""

    name: str
    """Column name as it appears in the file header."""
    kind: Kind = Kind.STR
    """Value type."""
    required: bool = True
    """Whether an empty value is an error."""
    choices: tuple[str, ...] = ()
    """Allowed values for a categorical column; a list column checks each item."""
    minimum: float | None = None
    """Smallest allowed numeric value (inclusive)."""
    maximum: float | None = None
    """Largest allowed numeric value (inclusive)."""
    unique: bool = False
    """Whether values must be unique in the table (an id column)."""
    references: str | None = None
    """``"table.column"`` that every non-empty value must exist in."""
    is_list: bool = False
    """Whether the value is a ``;``-separated list."""
    description: str = ""
    """What the column means, for the documentation and the loaders' ``attrs``."""


@dataclass(frozen=True)
class Table:
    """One file of the bank."""

    name: str
    """Table name, used by the loaders (``bank.clients``)."""
    file: str
    """File name inside the bank directory."""
    columns: tuple[Column, ...]
    """Columns in file order."""
    description: str = ""
    """What one row is."""
    jsonl: bool = False
    """Whether the file is JSON Lines rather than CSV."""
    key_columns: tuple[str, ...] = field(default=())
    """Columns whose combination must be unique (besides single ``unique`` columns)."""

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in file order."""
        return tuple(c.name for c in self.columns)


def _id(name: str, description: str) -> Column:
    return Column(name, unique=True, description=description)


def _ref(name: str, target: str, *, required: bool = True) -> Column:
    return Column(name, required=required, references=target, description=f"see {target}")


def _money(name: str, description: str, *, required: bool = True) -> Column:
    return Column(name, Kind.FLOAT, required=required, minimum=0, description=description)


_CLIENT = _ref("client_id", "clients.client_id")

INDUSTRIES = Table(
    "industries",
    "industries.csv",
    (
        Column("industry", unique=True, choices=tuple(vocab.INDUSTRIES)),
        Column("industry_en", description="English name"),
        Column("growth_pct", Kind.FLOAT, minimum=-50, maximum=100, description="2025 growth, %"),
        Column("outlook", choices=vocab.OUTLOOKS, description="three-year outlook"),
        Column("avg_margin_pct", Kind.FLOAT, minimum=-50, maximum=80, description="net margin, %"),
    ),
    "Industry and product-market information.",
)

MANAGERS = Table(
    "managers",
    "managers.csv",
    (
        _id("manager_id", "customer manager id"),
        Column("name"),
        Column("region", choices=tuple(vocab.REGIONS)),
        Column("expertise", choices=tuple(vocab.INDUSTRIES), is_list=True),
        Column("max_clients", Kind.INT, minimum=1, maximum=200),
        Column("selling_hours", Kind.INT, minimum=100, maximum=3000, description="per year"),
    ),
    "Customer managers of the bank.",
)

CLIENTS = Table(
    "clients",
    "clients.csv",
    (
        _id("client_id", "client id, C0001 ..."),
        Column("name", unique=True, description="registered company name"),
        Column("industry", choices=tuple(vocab.INDUSTRIES)),
        Column("region", choices=tuple(vocab.REGIONS)),
        Column("city", choices=tuple(c for cs in vocab.REGIONS.values() for c in cs)),
        Column("size", choices=vocab.SIZES, description="classified from employees and revenue"),
        Column("ownership", choices=vocab.OWNERSHIPS),
        Column("founded_year", Kind.INT, minimum=1949, maximum=2026),
        Column("employees", Kind.INT, minimum=1, maximum=500_000),
        _money("registered_capital_wan", "registered capital, 10k CNY"),
        Column("subsidiaries", Kind.INT, minimum=0, maximum=500),
        Column("main_products", is_list=True),
        _money("capacity_wan", "annual production capacity at output value, 10k CNY"),
        Column("utilisation_pct", Kind.FLOAT, minimum=0, maximum=130),
        Column("main_customers", is_list=True),
        Column("main_markets", is_list=True),
        Column("supplier_count", Kind.INT, minimum=0, maximum=100_000),
        Column("competitive_position", choices=vocab.COMPETITIVE_POSITIONS),
        Column("market_share_pct", Kind.FLOAT, minimum=0, maximum=100),
        _money("investment_plan_wan", "announced investment plan, 10k CNY", required=False),
        Column("relationship_since", Kind.DATE),
        _ref("manager_id", "managers.manager_id"),
        Column("n_banks", Kind.INT, minimum=1, maximum=50, description="banks the client uses"),
        Column("our_bank_rank", Kind.INT, minimum=1, maximum=50, description="our rank among them"),
        _money("wallet_disclosed_wan", "client-disclosed annual banking spend", required=False),
        Column("pool", choices=vocab.POOLS, description="practice set or exam pool"),
    ),
    "Profile, production, market position and relationship summary of each client.",
)

ORG_UNITS = Table(
    "org_units",
    "org_units.csv",
    (
        _id("unit_id", "organisation unit id"),
        _CLIENT,
        Column("name"),
        _ref("parent_unit_id", "org_units.unit_id", required=False),
    ),
    "Organisation structure of each client.",
)

PEOPLE = Table(
    "people",
    "people.csv",
    (
        _id("person_id", "person id"),
        _CLIENT,
        Column("name"),
        Column("title"),
        _ref("unit_id", "org_units.unit_id"),
        Column("level", choices=vocab.PERSON_LEVELS),
        Column("decision_role", choices=vocab.DECISION_ROLES),
        Column("influence", Kind.INT, minimum=1, maximum=5),
        Column("attitude", choices=vocab.ATTITUDES, description="attitude towards our bank"),
        _ref("reports_to", "people.person_id", required=False),
        Column("last_contact", Kind.DATE),
        Column("left_on", Kind.DATE, required=False, description="date the person left"),
        Column("is_primary_contact", Kind.BOOL),
    ),
    "Key people at each client and the decision chain.",
)

SALES = Table(
    "sales",
    "sales.csv",
    (
        _CLIENT,
        Column("year", Kind.INT, minimum=2000, maximum=2026),
        _money("revenue_wan", "annual revenue, 10k CNY"),
        Column("net_profit_wan", Kind.FLOAT),
        Column("export_share_pct", Kind.FLOAT, minimum=0, maximum=100),
        Column("top5_customer_share_pct", Kind.FLOAT, minimum=0, maximum=100),
    ),
    "Annual sales of each client, three years.",
    key_columns=("client_id", "year"),
)

HOLDINGS = Table(
    "holdings",
    "holdings.csv",
    (
        _CLIENT,
        Column("product", choices=tuple(vocab.PRODUCTS)),
        Column("opened_on", Kind.DATE),
        Column("closed_on", Kind.DATE, required=False),
        _money("avg_balance_wan", "average balance over the last 12 months"),
        _money("revenue_wan", "our revenue from the product, last 12 months"),
        _money("direct_cost_wan", "direct cost (funding, risk), last 12 months"),
    ),
    "Products the client holds (or held) with us, with balances and revenue.",
    key_columns=("client_id", "product"),
)

QUARTERLY = Table(
    "quarterly",
    "quarterly.csv",
    (
        _CLIENT,
        Column("quarter", Kind.QUARTER),
        _money("deposit_avg_wan", "average deposit balance"),
        _money("loan_balance_wan", "loan balance at quarter end"),
        _money("settlement_volume_wan", "settlement volume through us"),
        Column("interactions", Kind.INT, minimum=0, maximum=1000),
        Column("overdue_days", Kind.INT, minimum=0, maximum=365),
    ),
    "Business volumes and interactions per quarter, eight quarters.",
    key_columns=("client_id", "quarter"),
)

TRANSACTIONS = Table(
    "transactions",
    "transactions.csv",
    (
        _id("txn_id", "transaction id"),
        _CLIENT,
        Column("date", Kind.DATE),
        Column("product", choices=tuple(vocab.PRODUCTS)),
        Column("amount_wan", Kind.FLOAT, minimum=0.01),
    ),
    "Transactions with us over the twelve months up to the as-of date.",
)

VISITS = Table(
    "visits",
    "visits.csv",
    (
        _id("visit_id", "visit id"),
        _CLIENT,
        Column("date", Kind.DATE),
        _ref("manager_id", "managers.manager_id"),
        _ref("person_id", "people.person_id"),
        Column("channel", choices=vocab.VISIT_CHANNELS),
        Column("purpose"),
        Column("duration_hours", Kind.FLOAT, minimum=0.1, maximum=24),
    ),
    "Visit and contact log of the last twelve months.",
)

COMPLAINTS = Table(
    "complaints",
    "complaints.csv",
    (
        _id("complaint_id", "complaint id"),
        _CLIENT,
        Column("received_on", Kind.DATE),
        Column("category", choices=vocab.COMPLAINT_CATEGORIES),
        Column("severity", Kind.INT, minimum=1, maximum=3),
        Column("escalated", Kind.BOOL),
        Column("status", choices=vocab.COMPLAINT_STATUSES),
        Column("closed_on", Kind.DATE, required=False),
    ),
    "Complaints and disputes.",
)

PRODUCTS = Table(
    "products",
    "products.csv",
    (
        Column("product", unique=True, choices=tuple(vocab.PRODUCTS)),
        Column("category", choices=vocab.PRODUCT_CATEGORIES),
        Column("product_en"),
    ),
    "The bank's product lines.",
)

COST_RATES = Table(
    "cost_rates",
    "cost_rates.csv",
    (
        Column("activity", unique=True, choices=vocab.ACTIVITIES),
        Column("unit_cost_wan", Kind.FLOAT, minimum=0),
    ),
    "Activity cost rates for cost-to-serve.",
)

NOTES = Table(
    "notes",
    "notes.jsonl",
    (
        _id("note_id", "note id"),
        _CLIENT,
        Column("date", Kind.DATE),
        _ref("author", "managers.manager_id"),
        Column("kind", choices=vocab.NOTE_KINDS),
        Column("text", description="free text in Chinese"),
    ),
    "Meeting and call notes written by customer managers.",
    jsonl=True,
)

#: All tables, in dependency order (a table only references tables before it).
TABLES: Final = (
    INDUSTRIES,
    PRODUCTS,
    COST_RATES,
    MANAGERS,
    CLIENTS,
    ORG_UNITS,
    PEOPLE,
    SALES,
    HOLDINGS,
    QUARTERLY,
    TRANSACTIONS,
    VISITS,
    COMPLAINTS,
    NOTES,
)

TABLES_BY_NAME: Final = {t.name: t for t in TABLES}
TABLES_BY_FILE: Final = {t.file: t for t in TABLES}
