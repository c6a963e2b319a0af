"""The engines a store can run on, fresh stores on each, and the parity inputs.

``ENGINES`` lists every engine; DuckDB always runs, PostgreSQL when
``BACKLOGDESK_TEST_PG_URL`` names a database, Spark when
``BACKLOGDESK_TEST_SPARK`` names a master (e.g. ``local[2]``). A missing
variable skips that engine locally and fails the run under CI, so CI never
passes without having compared every engine.

The inputs: a synthetic ten-week history (slips, blocks, shipments,
cancellations, new lines), generated from a fixed seed, and field cases
written with casekit's neutral columns.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from casekit import (
    CaseRow,
    order_line,
    write_case_csv,
    write_mapping,
    write_rates,
    write_settings,
    write_units,
)
from conftest import run_cli
from history_kit import mapping_file, write_export

ENGINES = ("duckdb", "postgres", "spark")
ENGINE_VARIABLES = {
    "postgres": "BACKLOGDESK_TEST_PG_URL",
    "spark": "BACKLOGDESK_TEST_SPARK",
}


def engine_setting(engine: str) -> str | None:
    """The variable's value for ``engine``; skip (or fail under CI) without it."""
    variable = ENGINE_VARIABLES.get(engine)
    if variable is None:
        return None
    value = os.environ.get(variable, "").strip()
    if not value:
        reason = f"{engine} not tested: set {variable} to run the parity suite on it"
        if os.environ.get("CI"):
            pytest.fail(f"CI must compare every engine; {reason}")
        pytest.skip(reason)
    return value


@contextmanager
def fresh_store(engine: str, folder: Path) -> Iterator[str]:
    """The --db value of a new, empty store on ``engine``; removed afterwards
    when it lives on a server."""
    setting = engine_setting(engine)
    folder.mkdir(parents=True, exist_ok=True)
    if engine == "duckdb":
        yield str(folder / "store.duckdb")
    elif engine == "postgres":
        assert setting is not None
        schema = f"parity_{uuid.uuid4().hex[:12]}"
        joiner = "&" if "?" in setting else "?"
        try:
            yield f"{setting}{joiner}schema={schema}"
        finally:
            drop_schema(setting, schema)
    else:
        yield f"spark:{folder / 'spark-store'}?master={setting}"


def drop_schema(url: str, schema: str) -> None:
    """Remove a test store's schema from the PostgreSQL database."""
    import psycopg

    from backlogdesk.store.engines import parse_postgres_url

    options = parse_postgres_url(url).options
    with psycopg.connect(psycopg.conninfo.make_conninfo(**options)) as con:
        con.execute(f'drop schema if exists "{schema}" cascade')


def postgres_connection(url: str) -> object:
    """A psycopg connection (autocommit) to the test database."""
    import psycopg

    from backlogdesk.store.engines import parse_postgres_url

    options = parse_postgres_url(url).options
    return psycopg.connect(psycopg.conninfo.make_conninfo(**options), autocommit=True)


def cli_ok(*arguments: str | Path) -> str:
    """Run the command line in-process; fail the test on a non-zero exit."""
    result = run_cli(*(str(argument) for argument in arguments))
    assert result.exit_code == 0, result.output
    return str(result.output)


def report_text(db: str, as_of: str, out_dir: Path, *options: str) -> str:
    """The JSON report of ``as_of`` from the store ``db``, as written."""
    cli_ok(
        "report", "--db", db, "--as-of", as_of, "--out", out_dir,
        "--format", "json", *options,
    )  # fmt: skip
    return (out_dir / f"backlog-{as_of}.json").read_text(encoding="utf-8")


# ---------------------------------------------------------------- history


FIRST_WEEK = date(2026, 1, 5)
WEEKS = 10
CUSTOMERS = tuple(f"Customer {letter}" for letter in "ABCDEFGHIJKL")
ITEMS = tuple(f"P{number:02d}" for number in range(1, 31))
DELAY_REASONS = ("material", "capacity", "customer request", "transport", "")
# Mixed case and punctuation in order numbers, and repeated values, so sorts
# with ties reach their text tie-breakers: a database collation that sorts
# text by language rules instead of bytes would show here.
ORDER_PREFIXES = ("SO-", "so-", "SO ", "SO_", "Ex-")
PRICES = ("10.00", "19.99", "250.00", "0.35", "1234.50")


@dataclass
class OrderLine:
    """One synthetic line as it stands in the week's export."""

    order: str
    line_no: str
    customer: str
    item: str
    qty: str
    price: str
    confirmed: date | None
    status: str = "open"
    delivered: str = "0"
    delivery_date: date | None = None
    block: str = ""
    delay_reason: str = ""
    leaves_after: int | None = field(default=None)

    def row(self) -> dict[str, str]:
        """The export row of this line."""
        return {
            "order": self.order,
            "line": self.line_no,
            "customer": self.customer,
            "item": self.item,
            "qty": self.qty,
            "delivered": self.delivered,
            "price": self.price,
            "confirmed": self.confirmed.isoformat() if self.confirmed else "",
            "delivery_date": (
                self.delivery_date.isoformat() if self.delivery_date else ""
            ),
            "status": self.status,
            "block": self.block,
            "delay_reason": self.delay_reason,
        }


def synthetic_weeks(
    seed: int = 20260105, first_lines: int = 1500
) -> list[tuple[str, list[dict[str, str]]]]:
    """Ten weekly exports of one order book, (as-of, rows) oldest first."""
    chance = random.Random(seed)
    book = [_new_line(chance, number, FIRST_WEEK) for number in range(first_lines)]
    weeks = []
    for week in range(WEEKS):
        day = FIRST_WEEK + timedelta(weeks=week)
        if week:
            _move(chance, book, day, week)
            start = len(book)
            book += [_new_line(chance, start + n, day) for n in range(150)]
        weeks.append((day.isoformat(), [line.row() for line in book]))
        book = [line for line in book if line.leaves_after != week]
    return weeks


def _new_line(chance: random.Random, number: int, day: date) -> OrderLine:
    quantity = chance.choice(["1", "4", "10", "12", "25", "2.5", "100", "0.75"])
    price = (
        chance.choice(PRICES)
        if chance.random() < 0.4
        else f"{chance.randint(1, 40000) / 100:.2f}"
    )
    prefix = ORDER_PREFIXES[number % len(ORDER_PREFIXES)]
    confirmed = (
        None if chance.random() < 0.08 else day + timedelta(chance.randint(-20, 90))
    )
    line = OrderLine(
        order=f"{prefix}{10000 + number // 3}",
        line_no=str(10 * (number % 3 + 1)),
        customer=chance.choice(CUSTOMERS),
        item=chance.choice(ITEMS),
        qty=quantity,
        price=price,
        confirmed=confirmed,
    )
    if chance.random() < 0.05:
        line.status = "pending"
    return line


def _move(chance: random.Random, book: list[OrderLine], day: date, week: int) -> None:
    """One week of business: each open line may slip, block, ship or cancel."""
    for line in book:
        if line.status in ("shipped", "cancelled"):
            continue
        draw = chance.random()
        if draw < 0.10 and line.confirmed is not None:
            line.confirmed += timedelta(days=chance.choice([7, 14, 21, 3]))
            line.delay_reason = chance.choice(DELAY_REASONS)
        elif draw < 0.13 and line.confirmed is not None:
            line.confirmed -= timedelta(days=7)
        elif draw < 0.17:
            line.status, line.block = "hold", "CR"
        elif draw < 0.22 and line.status == "hold":
            line.status, line.block = "open", ""
        elif draw < 0.27:
            line.delivered = _part_of(line.qty)
        elif draw < 0.33:
            _finish(line, "shipped", day, week)
        elif draw < 0.35:
            _finish(line, "cancelled", day, week)
        elif draw < 0.38 and line.status == "pending":
            line.status = "open"
            line.confirmed = line.confirmed or day + timedelta(days=30)


def _part_of(quantity: str) -> str:
    half = float(quantity) / 2
    return f"{half:g}"


def _finish(line: OrderLine, status: str, day: date, week: int) -> None:
    line.status, line.block = status, ""
    if status == "shipped":
        line.delivered, line.delivery_date = line.qty, day - timedelta(days=2)
    line.leaves_after = week + 1


def import_history(db: str, folder: Path, weeks: int = WEEKS) -> list[str]:
    """Import the first ``weeks`` synthetic exports into ``db``; their dates."""
    folder.mkdir(parents=True, exist_ok=True)
    mapping = mapping_file(folder)
    imported = []
    for day, rows in synthetic_weeks()[:weeks]:
        export = write_export(folder / "exports", day, rows)
        rejected = folder / f"rejected-{day}.csv"
        cli_ok(
            "import", export, "--mapping", mapping, "--as-of", day,
            "--db", db, "--rejected", rejected,
        )  # fmt: skip
        imported.append(day)
    return imported


# ------------------------------------------------------------- field cases


@dataclass(frozen=True)
class FieldCase:
    """One field case: its rows, the date it is reported on, and its files."""

    name: str
    rows: Sequence[CaseRow]
    as_of: date
    period: str = "week"
    units: tuple[tuple[str, str, str, str], ...] = ()
    rates: tuple[tuple[str, date, str], ...] = ()
    settings: tuple[tuple[str, str], ...] = ()
    delivered_unit: str = "line"


def _open(*rows: CaseRow) -> list[CaseRow]:
    return [dict(row) | {"status": row.get("status") or "open"} for row in rows]


FIELD_CASES = (
    FieldCase(
        "02-closed-remainder",
        [
            order_line("SO-1", item="P1", qty="10", delivered="4", status="closed"),
            order_line("SO-2", item="P1", qty="8", delivered="0", status="open"),
        ],
        date(2024, 5, 20),
    ),
    FieldCase(
        "03-cancelled-lines-and-orders",
        _open(
            order_line("SO-1", "10", qty="5", price="100", order_status="confirmed"),
            order_line(
                "SO-1",
                "20",
                qty="3",
                price="50",
                status="cancelled",
                order_status="confirmed",
            ),
            order_line("SO-2", "10", qty="2", price="100", order_status="cancelled"),
        ),
        date(2024, 5, 20),
    ),
    FieldCase(
        "04-blocked-bucket",
        _open(
            order_line("SO-1", qty="10", price="10", confirmed_date="2024-05-22"),
            order_line(
                "SO-2", qty="5", price="10", status="on hold", block="credit block"
            ),
        ),
        date(2024, 5, 20),
    ),
    FieldCase(
        "06-freight-line",
        _open(
            order_line(
                "SO-1",
                "10",
                type="goods",
                qty="20",
                amount="2000",
                order_date="2024-06-03",
                confirmed_date="2024-06-13",
            ),
            order_line(
                "SO-1",
                "20",
                item="Freight",
                type="service/charge",
                qty="1",
                amount="50",
                order_date="2024-06-03",
                confirmed_date="2024-06-03",
            ),
        ),
        date(2024, 6, 5),
    ),
    FieldCase(
        "15-over-delivery",
        _open(
            order_line("SO-1", qty="10", delivered="12"),
            order_line("SO-2", qty="10", delivered="4", price="33.33"),
        ),
        date(2024, 5, 20),
    ),
    FieldCase(
        "16-unit-conversion",
        _open(order_line("SO-1", item="P1", qty="6", uom="Box", price="7.15")),
        date(2024, 5, 20),
        units=(("P1", "Box", "Unit", "4"),),
    ),
    FieldCase(
        "17-delivered-stock-units",
        _open(
            order_line("SO-1", item="P1", qty="2", uom="Box", delivered="24"),
            order_line("SO-2", item="P1", qty="3", uom="Box", delivered="12"),
        ),
        date(2024, 5, 20),
        units=(("P1", "Box", "Unit", "12"),),
        delivered_unit="stock",
    ),
    FieldCase(
        "19-over-delivery-excess",
        _open(
            order_line("SO-1", qty="5.5", delivered="5.95"),
            order_line("SO-2", qty="1.0", delivered="1.0"),
            order_line("SO-3", qty="3", delivered="1.3333", price="0.333333"),
        ),
        date(2024, 5, 20),
    ),
    FieldCase(
        "20-currencies",
        _open(
            order_line("SO-1", customer="Customer A", amount="5000", currency="USD"),
            order_line("SO-2", customer="Customer B", amount="5000", currency="EUR"),
            order_line("SO-3", customer="Customer C", amount="10000", currency="AED"),
            order_line("SO-4", customer="Customer C", amount="333.33", currency="EUR"),
        ),
        date(2024, 5, 20),
        rates=(("EUR", date(2024, 5, 1), "1.10"), ("AED", date(2024, 5, 1), "0.25")),
        settings=(("rate_date_policy", "report_date"),),
    ),
    FieldCase(
        "22-business-day-time-zone",
        _open(
            order_line("SO-1", order_date="2024-06-30 23:30", amount="1000", qty="1"),
            order_line("SO-2", order_date="2024-06-30 22:30", amount="400", qty="1"),
        ),
        date(2024, 7, 5),
        settings=(("business_timezone", "Europe/London"),),
    ),
    FieldCase(
        "25-order-delay-latest-line",
        _open(
            order_line("SO-1", "10", confirmed_date="2024-04-10", qty="3"),
            order_line("SO-1", "20", confirmed_date="2024-04-10", qty="4"),
            order_line("SO-2", "10", confirmed_date="2024-04-18", qty="1"),
        ),
        date(2024, 4, 20),
    ),
    FieldCase(
        "26-lateness-from-confirmed-date",
        _open(
            order_line(
                "SO-1", order_date="2024-06-10", confirmed_date="2024-11-05", qty="5"
            ),
            order_line(
                "SO-2", order_date="2024-09-01", confirmed_date="2024-09-10", qty="3"
            ),
        ),
        date(2024, 9, 15),
        period="month",
    ),
)


def case_options(case: FieldCase, folder: Path) -> list[str]:
    """The --units, --rates and --settings options of a case, files written."""
    options = []
    if case.units:
        options += ["--units", str(write_units(folder, case.units))]
    if case.rates:
        options += ["--rates", str(write_rates(folder, case.rates))]
    if case.settings:
        options += ["--settings", str(write_settings(folder, dict(case.settings)))]
    return options


def import_case(case: FieldCase, db: str, folder: Path) -> list[str]:
    """Import a case's rows into ``db``; the options its report needs too."""
    folder.mkdir(parents=True, exist_ok=True)
    export = write_case_csv(folder, case.rows)
    mapping = write_mapping(folder, case.delivered_unit)
    options = case_options(case, folder)
    cli_ok(
        "import", export, "--mapping", mapping, "--as-of", case.as_of.isoformat(),
        "--db", db, "--rejected", folder / "rejected.csv", *options,
    )  # fmt: skip
    settings = options[options.index("--settings") :] if case.settings else []
    return ["--period", case.period, *settings]
