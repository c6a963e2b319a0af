"""The demo company's actuals, budget and agreements, and the story they tell.

Every expectation is computed here from the written CSV files with csv and
Decimal: deliveries from the weekly exports' shipped quantities, buckets from
the last lines export, money from the rates file. The product's readers and
report are run last, to show they read the files cleanly and agree.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from backlogdesk.budget.mapping import load_budget_mapping
from backlogdesk.budget.reader import read_budget
from backlogdesk.coverage.agreement_mapping import load_agreement_mapping
from backlogdesk.coverage.agreements import read_agreements
from backlogdesk.demo import DemoHistory, write_demo_history
from backlogdesk.errors import MappingError
from conftest import report_json, run_cli
from test_demo_company import (
    damage_of,
    is_open,
    open_value_usd,
    read_headers,
    read_lines,
    read_rates,
    usd_rate,
)

LAST_AS_OF = date(2026, 11, 30)
WEEK_END = date(2026, 12, 6)
YEAR_END = date(2026, 12, 31)
RUN_RATE_END = date(2025, 12, 31)
CENT = Decimal("0.01")
ACTUALS_HEADER = (
    "DOC_TYPE;DOC_NO;DOC_DATE;ORDER_NO;LINE_NO;ITEM;PROD_GRP;CUSTOMER;SALES_REP;"
    "REGION;QTY;NET_AMOUNT;COST_AMOUNT;CURRENCY"
)
FRAME_ID = "FC-26001"

Row = dict[str, str]
Rates = dict[str, list[tuple[date, Decimal]]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoHistory:
    return write_demo_history(tmp_path_factory.mktemp("plans"), LAST_AS_OF)


@pytest.fixture(scope="module")
def documents(demo: DemoHistory) -> list[Row]:
    with demo.actuals_path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture(scope="module")
def rates(demo: DemoHistory) -> Rates:
    return read_rates(demo.rates_path)


@pytest.fixture(scope="module")
def last_lines(demo: DemoHistory) -> list[tuple[Row, Row]]:
    """The last export's readable lines, each with its order header."""
    export = demo.exports[-1]
    headers = read_headers(export.orders_path)
    return [
        (row, headers[row["SO_NUMBER"]])
        for row in read_lines(export.lines_path)
        if damage_of(row) is None
    ]


@pytest.fixture(scope="module")
def budget(demo: DemoHistory) -> dict[str, dict[str, Decimal]]:
    """Budget rows by month key: revenue, units and margin as decimals."""
    with demo.budget_path.open(encoding="utf-8", newline="") as handle:
        return {
            row["Month"]: {
                "revenue": Decimal(row["Revenue USD"]),
                "units": Decimal(row["Units"]),
                "margin": Decimal(row["Gross margin USD"]),
            }
            for row in csv.DictReader(handle)
        }


def day_of(text: str) -> date:
    """A day as the lines export writes it (day/month/year)."""
    return datetime.strptime(text, "%d/%m/%Y").date()


def in_usd(amount: Decimal, currency: str, on: date, rates: Rates) -> Decimal:
    """An amount converted at the rate valid on ``on``, to the cent."""
    return (amount * usd_rate(rates, currency, on)).quantize(CENT, ROUND_HALF_UP)


def signed(row: Row) -> Decimal:
    """+1 for deliveries and invoices, -1 for returns and credit notes."""
    return Decimal(1) if row["DOC_TYPE"] in ("DELIVERY", "INVOICE") else Decimal(-1)


# The actuals file


def test_actuals_file_has_the_agreed_columns_and_formats(
    demo: DemoHistory, documents: list[Row]
) -> None:
    raw = demo.actuals_path.read_bytes()
    money = re.compile(r"^\d+\.\d{2}$")

    assert raw.split(b"\r\n", 1)[0].decode("utf-8") == ACTUALS_HEADER
    assert Counter(row["DOC_TYPE"] for row in documents).keys() == {
        "DELIVERY",
        "INVOICE",
        "RETURN",
        "CREDIT",
    }
    for row in documents:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["DOC_DATE"])
        assert date.fromisoformat(row["DOC_DATE"]) <= LAST_AS_OF
        assert money.match(row["NET_AMOUNT"]) and Decimal(row["NET_AMOUNT"]) > 0
        assert row["COST_AMOUNT"] == "" or money.match(row["COST_AMOUNT"])
        assert Decimal(row["QTY"]) > 0 and row["CURRENCY"] in ("USD", "EUR", "GBP")
    assert any(row["COST_AMOUNT"] == "" for row in documents)


def test_actuals_cover_every_month_of_2026_up_to_the_last_export(
    documents: list[Row],
) -> None:
    months = defaultdict(set)
    for row in documents:
        months[row["DOC_DATE"][:7]].add(row["DOC_TYPE"])

    assert min(row["DOC_DATE"] for row in documents) < "2026-01-01"
    for month in range(1, 12):
        assert {"DELIVERY", "INVOICE"} <= months[f"2026-{month:02d}"], month
    assert max(row["DOC_DATE"] for row in documents) == LAST_AS_OF.isoformat()


def test_deliveries_equal_the_shipped_quantity_increases_between_weekly_exports(
    demo: DemoHistory, documents: list[Row]
) -> None:
    shipped: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for row in documents:
        if row["DOC_TYPE"] == "DELIVERY":
            day = date.fromisoformat(row["DOC_DATE"])
            shipped[(day, f"{row['ORDER_NO']}/{row['LINE_NO']}")] += Decimal(row["QTY"])
    weeks = [delivered_by_line(export.lines_path) for export in demo.exports]
    days = [export.as_of for export in demo.exports]

    before_first = sum_by_line(shipped, date.min, days[0])
    assert {key: before_first.get(key, Decimal(0)) for key in weeks[0]} == weeks[0]
    compared = 0
    for (start, end), (earlier, later) in zip(
        pairwise(days), pairwise(weeks), strict=True
    ):
        increases = {
            key: qty - earlier.get(key, Decimal(0)) for key, qty in later.items()
        }
        moved = {key: qty for key, qty in increases.items() if qty}
        assert sum_by_line(shipped, start, end) == moved, end
        compared += len(moved)
    assert compared > 4000


def delivered_by_line(path: Path) -> dict[str, Decimal]:
    """DLV_QTY of every line of one lines export."""
    return {
        f"{row['SO_NUMBER']}/{row['LINE_NO']}": Decimal(row["DLV_QTY"])
        for row in read_lines(path)
    }


def sum_by_line(
    shipped: dict[tuple[date, str], Decimal], after: date, until: date
) -> dict[str, Decimal]:
    """Delivered quantity per line on days after ``after`` up to ``until``."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for (day, key), qty in shipped.items():
        if after < day <= until:
            totals[key] += qty
    return dict(totals)


def test_delivered_amounts_are_quantity_times_the_exported_net_price_and_cost(
    demo: DemoHistory, documents: list[Row]
) -> None:
    lines: dict[str, tuple[Row, Row]] = {}
    for export in demo.exports:
        headers = read_headers(export.orders_path)
        for row in read_lines(export.lines_path):
            lines[f"{row['SO_NUMBER']}/{row['LINE_NO']}"] = (
                row,
                headers[row["SO_NUMBER"]],
            )
    checked = 0
    for doc in documents:
        found = lines.get(f"{doc['ORDER_NO']}/{doc['LINE_NO']}")
        if found is None:
            continue
        line, header = found
        qty = Decimal(doc["QTY"])
        net = qty * Decimal(line["UNIT_PRICE"]) * (1 - Decimal(line["DISC_PCT"]) / 100)
        assert Decimal(doc["NET_AMOUNT"]) == net.quantize(CENT, ROUND_HALF_UP)
        cost = line["UNIT_COST"] and qty * Decimal(line["UNIT_COST"])
        assert doc["COST_AMOUNT"] == (cost and f"{cost.quantize(CENT, ROUND_HALF_UP)}")
        assert (doc["ITEM"], doc["PROD_GRP"]) == (line["ITEM_NO"], line["PROD_GRP"])
        assert doc["CURRENCY"] == header["CURR"]
        assert doc["CUSTOMER"] == header["SOLD_TO_NAME"]
        assert doc["SALES_REP"] == header["ACCT_OWNER"]
        checked += 1
    assert checked > 10000


def test_every_delivery_note_is_invoiced_one_to_five_days_later_for_the_same_rows(
    documents: list[Row],
) -> None:
    notes = documents_by_number(documents, "DELIVERY")
    invoices = documents_by_number(documents, "INVOICE")
    waiting: dict[tuple[Any, ...], list[date]] = defaultdict(list)
    for day, content in invoices.values():
        waiting[content].append(day)

    uninvoiced = []
    for day, content in sorted(notes.values(), key=lambda note: note[0]):
        days = sorted(waiting[content])
        match = next((d for d in days if 1 <= (d - day).days <= 5), None)
        if match is None:
            uninvoiced.append(day)
        else:
            waiting[content].remove(match)
    assert not any(days for days in waiting.values())
    assert uninvoiced and min(uninvoiced) >= LAST_AS_OF - timedelta(days=4)
    assert len(notes) == len(invoices) + len(uninvoiced)


def documents_by_number(
    documents: list[Row], doc_type: str
) -> dict[str, tuple[date, tuple[Any, ...]]]:
    """Each document's day and content (order, and its lines' figures)."""
    rows: dict[str, list[Row]] = defaultdict(list)
    for row in documents:
        if row["DOC_TYPE"] == doc_type:
            rows[row["DOC_NO"]].append(row)
    columns = ("ORDER_NO", "LINE_NO", "QTY", "NET_AMOUNT", "COST_AMOUNT", "CURRENCY")
    return {
        number: (
            date.fromisoformat(lines[0]["DOC_DATE"]),
            tuple(sorted(tuple(line[c] for c in columns) for line in lines)),
        )
        for number, lines in rows.items()
    }


def test_returns_follow_a_delivery_and_each_is_credited_for_the_same_amount(
    documents: list[Row],
) -> None:
    delivered: dict[str, list[tuple[date, Decimal, Decimal]]] = defaultdict(list)
    for row in documents:
        if row["DOC_TYPE"] == "DELIVERY":
            entry = (date.fromisoformat(row["DOC_DATE"]), Decimal(row["QTY"]))
            unit = Decimal(row["NET_AMOUNT"]) / entry[1]
            delivered[f"{row['ORDER_NO']}/{row['LINE_NO']}"].append((*entry, unit))
    returns = {r["DOC_NO"][2:]: r for r in documents if r["DOC_TYPE"] == "RETURN"}
    credits = {r["DOC_NO"][2:]: r for r in documents if r["DOC_TYPE"] == "CREDIT"}

    assert 10 <= len(returns) <= 200 and set(credits) <= set(returns)
    for number, back in returns.items():
        day, qty = date.fromisoformat(back["DOC_DATE"]), Decimal(back["QTY"])
        earlier = delivered[f"{back['ORDER_NO']}/{back['LINE_NO']}"]
        assert any(
            10 <= (day - shipped).days <= 45
            and qty <= shipped_qty
            and abs(Decimal(back["NET_AMOUNT"]) - qty * unit) <= CENT
            for shipped, shipped_qty, unit in earlier
        ), number
        credit = credits.get(number)
        if credit is None:
            assert day >= LAST_AS_OF - timedelta(days=5)
            continue
        assert 2 <= (date.fromisoformat(credit["DOC_DATE"]) - day).days <= 6
        figures = ("ORDER_NO", "LINE_NO", "QTY", "NET_AMOUNT", "COST_AMOUNT")
        assert [credit[c] for c in figures] == [back[c] for c in figures]


# The budget


def test_budget_is_twelve_monthly_company_targets_with_a_forty_percent_margin(
    demo: DemoHistory, budget: dict[str, dict[str, Decimal]]
) -> None:
    read = read_budget([demo.budget_path], load_budget_mapping("budget-demo"))

    assert list(budget) == [f"2026-{month:02d}" for month in range(1, 13)]
    for month in budget.values():
        assert abs(month["margin"] - month["revenue"] * Decimal("0.4")) <= 500
        assert month["units"] > 0 and month["units"] == int(month["units"])
    assert budget["2026-12"]["revenue"] < budget["2026-08"]["revenue"]
    assert budget["2026-08"]["revenue"] < budget["2026-11"]["revenue"]
    assert not read.rejects and len(read.targets) == 12
    assert {target.member for target in read.targets} == {None}
    assert sum(target.revenue or 0 for target in read.targets) == sum(
        month["revenue"] for month in budget.values()
    )


def test_budget_is_last_quarters_shipping_rate_plus_twelve_percent_growth(
    documents: list[Row], rates: Rates, budget: dict[str, dict[str, Decimal]]
) -> None:
    shipped = Decimal(0)
    for row in documents:
        day = date.fromisoformat(row["DOC_DATE"])
        if row["DOC_TYPE"] == "DELIVERY" and date(2025, 10, 1) <= day <= RUN_RATE_END:
            rate = usd_rate(rates, row["CURRENCY"], day.replace(day=1))
            shipped += Decimal(row["NET_AMOUNT"]) * rate
    year = sum(month["revenue"] for month in budget.values())

    assert abs(year - shipped / 3 * 12 * Decimal("1.12")) < 12 * 1000


# The agreements and their call-offs


def test_agreements_file_has_the_frame_the_expiring_and_the_expired_agreement(
    demo: DemoHistory, last_lines: list[tuple[Row, Row]]
) -> None:
    with demo.agreements_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    active = [row for row in rows if row["STATUS"] == "ACT"]
    ends = {row["CONTRACT_NO"]: day_of(row["VALID_TO"]) for row in active}
    frame = next(row for row in rows if row["CONTRACT_NO"] == FRAME_ID)

    assert day_of(frame["VALID_FROM"]) == date(2026, 1, 1)
    assert day_of(frame["VALID_TO"]) > YEAR_END
    assert 30_000_000 <= Decimal(frame["TARGET_VALUE"]) <= 40_000_000
    soon = [key for key, end in ends.items() if 0 <= (end - LAST_AS_OF).days <= 30]
    assert soon == ["BO-26014"]
    assert {key for key, end in ends.items() if end < LAST_AS_OF} == {"SA-25007"}
    assert any(row["STATUS"] == "DRF" for row in rows)

    released = released_value(last_lines, "BO-26014")
    committed = Decimal(
        next(r for r in rows if r["CONTRACT_NO"] == "BO-26014")["TARGET_VALUE"]
    )
    assert released < committed / 2


def released_value(lines: list[tuple[Row, Row]], agreement: str) -> Decimal:
    """What an agreement's call-offs released, in the lines' own currency.

    A confirmed call-off (released, blocked or shipped, on an order that is not
    pending, cancelled or closed) releases its ordered quantity; any other
    releases what it delivered (docs/coverage.md).
    """
    total = Decimal(0)
    for row, header in lines:
        if row["AGREEMENT"] != agreement:
            continue
        ordered, delivered = Decimal(row["ORD_QTY"]), Decimal(row["DLV_QTY"])
        confirmed = row["LINE_STATUS"] in ("REL", "PSHP", "HOLD", "SHIP")
        if confirmed and header["HDR_STATUS"] not in ("OPEN", "CANC", "CLSD"):
            qty = max(ordered, delivered)
        else:
            qty = delivered
        price = Decimal(row["UNIT_PRICE"]) * (1 - Decimal(row["DISC_PCT"]) / 100)
        total += (qty * price).quantize(CENT, ROUND_HALF_UP)
    return total


def test_call_offs_name_an_agreement_of_their_customer_valid_on_the_order_date(
    demo: DemoHistory, last_lines: list[tuple[Row, Row]]
) -> None:
    with demo.agreements_path.open(encoding="utf-8", newline="") as handle:
        agreements = {
            row["CONTRACT_NO"]: row for row in csv.DictReader(handle, delimiter=";")
        }
    named = Counter(row["AGREEMENT"] for row, _ in last_lines if row["AGREEMENT"])

    assert named[FRAME_ID] > 50 and named["BO-26014"] > 0
    assert set(named) <= {"FC-26001", "BO-26014", "SA-25007", "BO-26022"}
    for row, header in last_lines:
        if row["AGREEMENT"]:
            agreement = agreements[row["AGREEMENT"]]
            ordered = day_of(header["ORDER_DATE"])
            assert header["SOLD_TO"] == agreement["SOLD_TO"]
            assert day_of(agreement["VALID_FROM"]) <= ordered
            assert ordered <= day_of(agreement["VALID_TO"])
            assert row["ITEM_NO"] != "FREIGHT"


def test_agreements_mapping_loads_by_shipped_name_or_by_path(demo: DemoHistory) -> None:
    by_name = load_agreement_mapping("agreements-demo")
    shipped = (
        Path(__file__).parents[1] / "src/backlogdesk/mappings/agreements-demo.toml"
    )
    by_path = load_agreement_mapping(shipped)
    read = read_agreements([demo.agreements_path], by_name)

    assert by_name.fields == by_path.fields and by_name.origin == "agreements-demo"
    assert by_path.origin == str(shipped)
    assert not read.rejects and len(read.agreements) == 6
    with pytest.raises(
        MappingError, match="Shipped agreements mappings: agreements-demo"
    ):
        load_agreement_mapping("agreements-nowhere")
    with pytest.raises(MappingError, match="not found"):
        load_agreement_mapping(Path("nowhere.toml"))


# The story of week 2026-W49 and of the year


def released_open(lines: list[tuple[Row, Row]]) -> list[tuple[Row, Row]]:
    """Open lines that are released and not blocked: the sales backlog."""
    return [
        (row, header)
        for row, header in lines
        if is_open(row, header)
        and row["LINE_STATUS"] in ("REL", "PSHP")
        and not row["DLV_BLOCK"]
        and not header["CREDIT_BLOCK"]
    ]


def open_margin_usd(row: Row, header: Row, rates: Rates) -> Decimal | None:
    """Open value less open cost, both in USD; None when the line has no cost."""
    if not row["UNIT_COST"]:
        return None
    left = Decimal(row["ORD_QTY"]) - Decimal(row["DLV_QTY"])
    cost = (left * Decimal(row["UNIT_COST"])).quantize(CENT, ROUND_HALF_UP)
    ordered = day_of(header["ORDER_DATE"])
    return open_value_usd(row, header, rates) - in_usd(
        cost, header["CURR"], ordered, rates
    )


def ship_dates(lines: list[tuple[Row, Row]]) -> dict[str, tuple[date | None, str]]:
    """Each line's planning date and its source; freight follows the earliest
    open goods line of its order (a confirmed one where two share the day)."""
    own: dict[str, tuple[date | None, str]] = {}
    earliest: dict[str, tuple[date, str]] = {}
    for row, header in lines:
        key = f"{row['SO_NUMBER']}/{row['LINE_NO']}"
        own[key] = (None, "none")
        if row["CONF_DATE"] or row["EST_DATE"]:
            source = "confirmed" if row["CONF_DATE"] else "estimated"
            dated = (day_of(row["CONF_DATE"] or row["EST_DATE"]), source)
            own[key] = dated
            first = earliest.get(row["SO_NUMBER"])
            goods = row["ITEM_NO"] != "FREIGHT" and is_open(row, header)
            if goods and (first is None or dated < first):
                earliest[row["SO_NUMBER"]] = dated
    for row, _ in lines:
        if row["ITEM_NO"] == "FREIGHT":
            key = f"{row['SO_NUMBER']}/{row['LINE_NO']}"
            own[key] = earliest.get(row["SO_NUMBER"], (None, "none"))
    return own


def week_buckets(
    lines: list[tuple[Row, Row]], rates: Rates
) -> dict[str, tuple[Decimal, Decimal]]:
    """Value and margin of buckets A (confirmed) and B (estimated) of 2026-W49."""
    dates = ship_dates(lines)
    totals = {"A": [Decimal(0), Decimal(0)], "B": [Decimal(0), Decimal(0)]}
    for row, header in released_open(lines):
        ship, source = dates[f"{row['SO_NUMBER']}/{row['LINE_NO']}"]
        if ship is not None and ship <= WEEK_END:
            bucket = "A" if source == "confirmed" else "B"
            totals[bucket][0] += open_value_usd(row, header, rates)
            totals[bucket][1] += open_margin_usd(row, header, rates) or 0
    return {name: (value, margin) for name, (value, margin) in totals.items()}


def invoiced(
    documents: list[Row], rates: Rates, start: date, end: date
) -> tuple[Decimal, Decimal]:
    """Invoices less credit notes dated in [start, end]: revenue and margin, USD."""
    revenue, margin = Decimal(0), Decimal(0)
    for row in documents:
        day = date.fromisoformat(row["DOC_DATE"])
        if row["DOC_TYPE"] in ("INVOICE", "CREDIT") and start <= day <= end:
            amount = in_usd(Decimal(row["NET_AMOUNT"]), row["CURRENCY"], day, rates)
            revenue += signed(row) * amount
            if row["COST_AMOUNT"]:
                cost = in_usd(Decimal(row["COST_AMOUNT"]), row["CURRENCY"], day, rates)
                margin += signed(row) * (amount - cost)
    return revenue, margin


def week_budget(budget: dict[str, dict[str, Decimal]], measure: str) -> Decimal:
    """2026-W49's share of the budget: 1 of November's 30 days, 6 of December's 31."""
    november, december = budget["2026-11"][measure], budget["2026-12"][measure]
    return november / 30 + december * 6 / 31


def test_week_49_revenue_is_green_on_bucket_a_alone_while_margin_is_red(
    documents: list[Row],
    rates: Rates,
    last_lines: list[tuple[Row, Row]],
    budget: dict[str, dict[str, Decimal]],
) -> None:
    buckets = week_buckets(last_lines, rates)
    actual_revenue, actual_margin = invoiced(documents, rates, LAST_AS_OF, LAST_AS_OF)
    likely_margin = actual_margin + buckets["A"][1] + buckets["B"][1]

    assert actual_revenue > 0
    assert buckets["A"][0] >= week_budget(budget, "revenue")
    assert likely_margin < week_budget(budget, "margin")


def test_week_49_has_more_than_half_as_much_estimated_as_confirmed(
    rates: Rates, last_lines: list[tuple[Row, Row]]
) -> None:
    buckets = week_buckets(last_lines, rates)

    assert buckets["B"][0] / buckets["A"][0] > Decimal("0.5")


def test_frame_contract_left_to_call_off_exceeds_the_whole_sales_backlog(
    demo: DemoHistory, rates: Rates, last_lines: list[tuple[Row, Row]]
) -> None:
    backlog = sum(
        (
            open_value_usd(row, header, rates)
            for row, header in released_open(last_lines)
        ),
        Decimal(0),
    )
    unreleased = frame_value(demo) - released_value(last_lines, FRAME_ID)

    assert unreleased > backlog > 10_000_000


def frame_value(demo: DemoHistory) -> Decimal:
    """The frame contract's committed value (USD) from the agreements file."""
    with demo.agreements_path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter=";")
        frame = next(row for row in rows if row["CONTRACT_NO"] == FRAME_ID)
    assert frame["CURR"] == "USD"
    return Decimal(frame["TARGET_VALUE"])


def test_year_sales_claim_beats_the_budget_while_the_planning_number_falls_short(
    demo: DemoHistory,
    documents: list[Row],
    rates: Rates,
    last_lines: list[tuple[Row, Row]],
    budget: dict[str, dict[str, Decimal]],
) -> None:
    year_budget = sum(month["revenue"] for month in budget.values())
    invoiced_2026, _ = invoiced(documents, rates, date(2026, 1, 1), LAST_AS_OF)
    open_orders = sum(
        (open_value_usd(row, header, rates) for row, header in last_lines
         if is_open(row, header)),
        Decimal(0),
    )  # fmt: skip
    dates = ship_dates(last_lines)
    plannable_backlog = Decimal(0)
    for row, header in released_open(last_lines):
        ship, _ = dates[f"{row['SO_NUMBER']}/{row['LINE_NO']}"]
        if ship is not None and ship <= YEAR_END:
            plannable_backlog += open_value_usd(row, header, rates)
    coverage_at_least = frame_value(demo) - released_value(last_lines, FRAME_ID)

    assert invoiced_2026 + open_orders + coverage_at_least > year_budget
    assert invoiced_2026 + plannable_backlog < year_budget


def test_report_reads_the_company_files_and_fires_the_rules_of_the_story(
    demo: DemoHistory,
    rates: Rates,
    last_lines: list[tuple[Row, Row]],
    tmp_path: Path,
) -> None:
    export = demo.exports[-1]
    result = run_cli(
        "report", *export.export_paths, "--mapping", "demo",
        "--rates", export.rates_path, "--as-of", LAST_AS_OF.isoformat(),
        "--out", tmp_path, "--format", "json",
        "--budget", demo.budget_path, "--budget-mapping", "budget-demo",
        "--actuals", demo.actuals_path, "--actuals-mapping", "actuals-demo",
        "--agreements", demo.agreements_path,
        "--agreements-mapping", "agreements-demo",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = report_json(tmp_path)
    fired = {rule["code"] for rule in report["rules"] if rule["fired"]}
    counts = {row["file"]: row for row in report["inputs"]["files"]}
    buckets = week_buckets(last_lines, rates)
    coverage = report["coverage"]

    assert {
        "too_many_estimates",
        "coverage_not_schedulable",
        "revenue_green_units_margin_red",
    } <= fired
    for name in ("actuals.csv", "budget.csv", "agreements.csv"):
        assert counts[name]["rejected"] == 0 and counts[name]["read"] > 0
    assert Decimal(report["buckets"]["A"]["value"]) == buckets["A"][0]
    assert Decimal(report["buckets"]["B"]["value"]) == buckets["B"][0]
    assert coverage["expiring"] == ["BO-26014"] and "SA-25007" in coverage["expired"]
