"""Actuals files: shipments, invoices, returns and credit notes as actual to date.

Files are written in the demo company's layout and read with the shipped
``actuals-demo`` mapping unless a test needs other rules. Expected figures are
worked out by hand in the comments.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from backlogdesk.budget.actuals import actuals_for, read_actuals, shipped_not_invoiced
from backlogdesk.budget.actuals_mapping import (
    load_actuals_mapping,
    parse_actuals_mapping,
)
from backlogdesk.errors import InputError, MappingError
from backlogdesk.ingest.conversions import Rates, load_rates

HEADER = [
    "DOC_TYPE",
    "DOC_NO",
    "DOC_DATE",
    "ORDER_NO",
    "LINE_NO",
    "ITEM",
    "PROD_GRP",
    "CUSTOMER",
    "SALES_REP",
    "REGION",
    "QTY",
    "NET_AMOUNT",
    "COST_AMOUNT",
    "CURRENCY",
]


def doc(
    kind: str,
    number: str,
    day: str,
    qty: str,
    amount: str,
    cost: str = "",
    currency: str = "USD",
    item: str = "P1",
) -> list[str]:
    """One row of the demo layout for order SO-1 line 10."""
    return [
        kind,
        number,
        day,
        "SO-1",
        "10",
        item,
        "PMP",
        "C-100",
        "Ann",
        "North",
        qty,
        amount,
        cost,
        currency,
    ]


def write_actuals(folder: Path, rows: list[list[str]], name: str = "a.csv") -> Path:
    """An actuals CSV in the demo layout: ';' delimited, UTF-8."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def rates(tmp_path: Path) -> Rates:
    """USD reporting; EUR at 1.25 all year, GBP 1.20 in January, 1.30 from February."""
    path = tmp_path / "rates.csv"
    path.write_text(
        "currency,date,rate\n"
        "EUR,2026-01-01,1.25\n"
        "GBP,2026-01-01,1.20\n"
        "GBP,2026-02-01,1.30\n",
        encoding="utf-8",
    )
    return load_rates(path, "USD")


def mapping_text(fields: str, rules: str = "", values: str = "") -> str:
    """Actuals mapping TOML for the demo layout with the given sections."""
    return (
        'name = "test-actuals"\n\n[format]\ndelimiter = ";"\n\n'
        f"[fields]\n{fields}\n\n{values}\n[rules]\n{rules}\n"
    )


DEMO_FIELDS = """date = "DOC_DATE"
kind = { column = "DOC_TYPE", map = "kind" }
document = "DOC_NO"
order_id = "ORDER_NO"
line_id = "LINE_NO"
item = "ITEM"
revenue = "NET_AMOUNT"
units = "QTY"
cost = "COST_AMOUNT"
currency = "CURRENCY"
"""
KIND_VALUES = """[values.kind]
DELIVERY = "dispatch"
INVOICE = "invoice"
RETURN = "return"
CREDIT = "credit_note"
"""


# Case 13: returns stored without a sign count against their dispatch.


def test_case_13_unsigned_return_is_negated_and_nets_the_dispatch(
    tmp_path: Path, rates: Rates
) -> None:
    path = write_actuals(
        tmp_path,
        [
            doc("DELIVERY", "D-1", "2026-03-02", "10", "1000.00", "600.00"),
            doc("RETURN", "R-1", "2026-03-09", "3", "300.00", "180.00"),
        ],
    )

    read = read_actuals(path, "actuals-demo", rates)

    dispatch, back = read.rows
    assert (dispatch.kind, dispatch.units, dispatch.revenue) == (
        "dispatch",
        Decimal(10),
        Decimal("1000.00"),
    )
    assert (back.kind, back.units, back.revenue) == ("return", -3, Decimal("-300.00"))
    shipped = actuals_for(read.rows, "dispatch")
    # 10 - 3 = 7 units; 1000 - 300 = 700; margin (1000 - 600) - (300 - 180) = 280.
    assert sum(a.units or 0 for a in shipped) == 7
    assert sum(a.revenue or 0 for a in shipped) == Decimal("700.00")
    assert sum(a.margin or 0 for a in shipped) == Decimal("280.00")
    assert read.rejects == []


def test_demo_mapping_keeps_the_row_details_and_names_the_product_group(
    tmp_path: Path, rates: Rates
) -> None:
    path = write_actuals(
        tmp_path, [doc("INVOICE", "I-7", "2026-03-04", "2", "50.00", "20.00")]
    )

    (row,) = read_actuals(path, "actuals-demo", rates).rows

    assert (row.file, row.row, row.day) == ("a.csv", 2, date(2026, 3, 4))
    assert (row.document, row.order_id, row.line_id, row.item) == (
        "I-7",
        "SO-1",
        "10",
        "P1",
    )
    assert (row.product_group, row.customer, row.sales_person, row.region) == (
        "Pumps",
        "C-100",
        "Ann",
        "North",
    )
    assert row.margin == Decimal("30.00")


def test_empty_cost_leaves_the_margin_unknown_not_zero(
    tmp_path: Path, rates: Rates
) -> None:
    path = write_actuals(tmp_path, [doc("DELIVERY", "D-1", "2026-03-02", "4", "80")])

    (row,) = read_actuals(path, "actuals-demo", rates).rows
    (actual,) = actuals_for([row], "dispatch")

    assert row.margin is None and actual.margin is None
    assert actual.revenue == Decimal("80.00")


# The basis decides which documents count.


def basis_rows(tmp_path: Path, rates: Rates) -> list:
    path = write_actuals(
        tmp_path,
        [
            doc("DELIVERY", "D-1", "2026-03-02", "10", "1000.00"),
            doc("INVOICE", "I-1", "2026-03-05", "10", "1000.00"),
            doc("RETURN", "R-1", "2026-03-09", "3", "300.00"),
            doc("CREDIT", "C-1", "2026-03-12", "2", "200.00"),
        ],
    )
    return read_actuals(path, "actuals-demo", rates).rows


def test_dispatch_basis_counts_dispatches_and_returns_only(
    tmp_path: Path, rates: Rates
) -> None:
    shipped = actuals_for(basis_rows(tmp_path, rates), "dispatch")

    # D-1 and R-1: 10 - 3 units, 1000 - 300.
    assert [a.day for a in shipped] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert sum(a.units or 0 for a in shipped) == 7
    assert sum(a.revenue or 0 for a in shipped) == Decimal(700)


def test_invoice_basis_counts_invoices_and_credit_notes_only(
    tmp_path: Path, rates: Rates
) -> None:
    invoiced = actuals_for(basis_rows(tmp_path, rates), "invoice")

    # I-1 and C-1: 10 - 2 units, 1000 - 200.
    assert [a.day for a in invoiced] == [date(2026, 3, 5), date(2026, 3, 12)]
    assert sum(a.units or 0 for a in invoiced) == 8
    assert sum(a.revenue or 0 for a in invoiced) == Decimal(800)
    assert {(a.order_id, a.product_group, a.customer) for a in invoiced} == {
        ("SO-1", "Pumps", "C-100")
    }


def test_unknown_basis_is_refused_naming_both_choices(
    tmp_path: Path, rates: Rates
) -> None:
    with pytest.raises(InputError, match=r'"dispatch".*"invoice"'):
        actuals_for(basis_rows(tmp_path, rates), "shipped")


# Shipped, not invoiced.


def snoi_rows(tmp_path: Path, rates: Rates) -> list:
    path = write_actuals(
        tmp_path,
        [
            doc("DELIVERY", "D-0", "2025-12-30", "5", "500.00"),
            doc("DELIVERY", "D-1", "2026-01-10", "10", "1000.00"),
            doc("INVOICE", "I-1", "2026-01-12", "6", "600.00"),
            doc("RETURN", "R-1", "2026-01-20", "1", "100.00"),
            doc("CREDIT", "C-1", "2026-01-31", "", "50.00"),
            doc("INVOICE", "I-2", "2026-02-03", "4", "400.00"),
        ],
    )
    return read_actuals(path, "actuals-demo", rates).rows


def test_shipped_not_invoiced_nets_returns_and_credit_notes_in_the_range(
    tmp_path: Path, rates: Rates
) -> None:
    rows = snoi_rows(tmp_path, rates)

    value, units = shipped_not_invoiced(rows, date(2026, 1, 1), date(2026, 1, 31))

    # Dispatched 1000 - 100 = 900 (9 units); invoiced 600 - 50 = 550 (6 units,
    # the credit note has none). D-0 (December) and I-2 (February) are outside.
    assert (value, units) == (Decimal("350.00"), Decimal(3))


def test_shipped_not_invoiced_goes_negative_when_invoices_run_ahead(
    tmp_path: Path, rates: Rates
) -> None:
    rows = snoi_rows(tmp_path, rates)

    value, units = shipped_not_invoiced(rows, date(2026, 2, 1), date(2026, 2, 28))

    # February only invoices I-2 for goods shipped in January: 0 - 400, 0 - 4.
    assert (value, units) == (Decimal("-400.00"), Decimal(-4))


# Currency: converted at the row's date, rounded once after the rate.


def test_rows_in_other_currencies_are_converted_at_the_rate_of_their_date(
    tmp_path: Path, rates: Rates
) -> None:
    path = write_actuals(
        tmp_path,
        [
            doc("INVOICE", "I-1", "2026-01-31", "1", "100.00", "40.00", "GBP"),
            doc("INVOICE", "I-2", "2026-02-01", "1", "100.00", "40.00", "gbp"),
            doc("INVOICE", "I-3", "2026-02-01", "1", "100.00", "40.00", "USD"),
        ],
    )

    rows = read_actuals(path, "actuals-demo", rates).rows

    # GBP 1.20 up to 31 January, 1.30 from 1 February; USD stays as it is.
    assert [r.revenue for r in rows] == [Decimal("120.00"), Decimal("130.00"), 100]
    assert [r.margin for r in rows] == [Decimal("72.00"), Decimal("78.00"), 60]


def test_conversion_rounds_half_up_only_after_the_rate(
    tmp_path: Path, rates: Rates
) -> None:
    path = write_actuals(
        tmp_path,
        [
            doc("INVOICE", "I-1", "2026-03-01", "1", "10.10", "6.06", "EUR"),
            doc("INVOICE", "I-2", "2026-03-01", "1", "0.004", "", "EUR"),
        ],
    )

    first, second = read_actuals(path, "actuals-demo", rates).rows

    # 10.10 x 1.25 = 12.625 -> 12.63 (half up; half-even would give 12.62).
    # Cost 6.06 x 1.25 = 7.575 -> 7.58; margin 12.63 - 7.58 = 5.05.
    assert (first.revenue, first.margin) == (Decimal("12.63"), Decimal("5.05"))
    # 0.004 x 1.25 = 0.005 -> 0.01; rounding 0.004 first would have given 0.00.
    assert second.revenue == Decimal("0.01")


def test_missing_rate_rejects_the_row_naming_currency_date_and_fix(
    tmp_path: Path, rates: Rates
) -> None:
    path = write_actuals(
        tmp_path,
        [
            doc("INVOICE", "I-1", "2026-03-01", "1", "10", "", "CHF"),
            doc("INVOICE", "I-2", "2025-12-31", "1", "10", "", "GBP"),
            doc("INVOICE", "I-3", "2026-03-01", "1", "10", "", "USD"),
        ],
    )

    read = read_actuals(path, "actuals-demo", rates)

    assert [(r.row, r.column, r.value, r.problem) for r in read.rejects] == [
        (2, "CURRENCY", "CHF", "missing rate"),
        (3, "CURRENCY", "GBP", "missing rate"),
    ]
    assert "add a rate for CHF on 2026-03-01 to the rates file" in (
        read.rejects[0].reason
    )
    assert "add a rate for GBP on 2025-12-31" in read.rejects[1].reason
    assert [row.document for row in read.rows] == ["I-3"]


# Every rejected row names its column, its value and the fix.

BAD_ROWS = [
    (
        doc("DELIVERY", "D-9", "15.01.2026", "1", "10"),
        "DOC_DATE",
        "bad date",
        "expected a date",
    ),
    (doc("DELIVERY", "D-9", "", "1", "10"), "DOC_DATE", "missing value", "no date"),
    (
        doc("PROFORMA", "D-9", "2026-01-15", "1", "10"),
        "DOC_TYPE",
        "unknown kind",
        "'PROFORMA' is not mapped; add it to [values.kind]",
    ),
    (
        doc("", "D-9", "2026-01-15", "1", "10"),
        "DOC_TYPE",
        "missing value",
        "no document type",
    ),
    (
        doc("DELIVERY", "D-9", "2026-01-15", "1", "12,50"),
        "NET_AMOUNT",
        "bad number",
        "decimal mark",
    ),
    (
        doc("DELIVERY", "D-9", "2026-01-15", "1", ""),
        "NET_AMOUNT",
        "missing value",
        "no revenue",
    ),
    (
        doc("DELIVERY", "D-9", "2026-01-15", "ten", "10"),
        "QTY",
        "bad number",
        "expected a number",
    ),
    (
        doc("DELIVERY", "D-9", "2026-01-15", "1", "10", "n/a"),
        "COST_AMOUNT",
        "bad number",
        "expected a number",
    ),
    (
        doc("RETURN", "R-9", "2026-01-15", "3", "-300"),
        "NET_AMOUNT",
        "ambiguous sign",
        'set comes_back = "signed"',
    ),
    (
        doc("CREDIT", "C-9", "2026-01-15", "-3", "300"),
        "QTY",
        "ambiguous sign",
        'set comes_back = "signed"',
    ),
    (
        doc("DELIVERY", "D-9", "2026-01-15", "1", "-10"),
        "NET_AMOUNT",
        "negative amount",
        "as return or credit_note in [values.kind]",
    ),
    (
        doc("INVOICE", "I-9", "2026-01-15", "-1", "10"),
        "QTY",
        "negative amount",
        "as return or credit_note",
    ),
    (
        doc("DELIVERY", "D-9", "2026-01-15", "1", "10", "", ""),
        "CURRENCY",
        "missing currency",
        "set currency under [rules]",
    ),
    (
        doc("DELIVERY", "D-9", "2026-01-15", "1", "10", "", "CHF"),
        "CURRENCY",
        "missing rate",
        "add a rate for CHF on 2026-01-15 to the rates file",
    ),
]


@pytest.mark.parametrize(("bad", "column", "problem", "fix"), BAD_ROWS)
def test_bad_row_is_rejected_with_its_column_value_and_fix(
    tmp_path: Path,
    rates: Rates,
    bad: list[str],
    column: str,
    problem: str,
    fix: str,
) -> None:
    good = doc("DELIVERY", "D-1", "2026-01-15", "1", "10")
    path = write_actuals(tmp_path, [bad, good])

    read = read_actuals(path, "actuals-demo", rates)

    (reject,) = read.rejects
    shown = bad[HEADER.index(column)]
    assert (reject.file, reject.row, reject.column) == ("a.csv", 2, column)
    assert (reject.value, reject.problem) == (shown, problem)
    assert fix in reject.reason
    assert [row.document for row in read.rows] == ["D-1"]
    assert [(c.read, c.accepted, c.rejected) for c in read.counts] == [(2, 1, 1)]


def test_counts_add_up_per_file_with_unreadable_rows(
    tmp_path: Path, rates: Rates
) -> None:
    first = write_actuals(
        tmp_path,
        [
            doc("DELIVERY", "D-1", "2026-01-15", "1", "10"),
            ["DELIVERY", "D-2", "2026-01-16"],
            doc("DELIVERY", "D-3", "2026-01-17", "1", "-10"),
        ],
        "first.csv",
    )
    second = write_actuals(
        tmp_path,
        [
            doc("INVOICE", "I-1", "2026-01-20", "1", "10"),
            doc("INVOICE", "I-2", "2026-01-21", "1", "10"),
        ],
        "second.csv",
    )

    read = read_actuals([first, second], "actuals-demo", rates)

    # first.csv: D-1 kept, D-2 too short, D-3 negative; second.csv: both kept.
    assert [(c.file, c.read, c.accepted, c.rejected) for c in read.counts] == [
        ("first.csv", 3, 1, 2),
        ("second.csv", 2, 2, 0),
    ]
    assert read.read == len(read.rows) + len(read.rejects) == 5
    assert [(r.row, r.problem) for r in read.rejects] == [
        (3, "unreadable row"),
        (4, "negative amount"),
    ]


def test_missing_column_stops_naming_file_column_and_columns_found(
    tmp_path: Path, rates: Rates
) -> None:
    path = tmp_path / "short.csv"
    path.write_text("DOC_TYPE;DOC_DATE\nINVOICE;2026-01-15\n", encoding="utf-8")

    with pytest.raises(InputError) as error:
        read_actuals(path, "actuals-demo", rates)

    message = str(error.value)
    assert "short.csv" in message and "'NET_AMOUNT'" in message
    assert "Columns in the file: DOC_TYPE, DOC_DATE" in message


def test_no_file_given_is_an_input_error(rates: Rates) -> None:
    with pytest.raises(InputError, match="No actuals file"):
        read_actuals([], "actuals-demo", rates)


# Mapping rules.


def test_signed_returns_are_taken_as_stored_and_positive_ones_refused(
    tmp_path: Path, rates: Rates
) -> None:
    mapping = parse_actuals_mapping(
        mapping_text(DEMO_FIELDS, 'comes_back = "signed"', KIND_VALUES), "signed.toml"
    )
    path = write_actuals(
        tmp_path,
        [
            doc("RETURN", "R-1", "2026-01-15", "-3", "-300", "-180"),
            doc("CREDIT", "C-1", "2026-01-16", "2", "200"),
        ],
    )

    read = read_actuals(path, mapping, rates)

    (back,) = read.rows
    # Revenue -300 less cost -180: the return takes back a margin of 120.
    assert (back.units, back.revenue, back.margin) == (-3, -300, -120)
    (reject,) = read.rejects
    assert (reject.row, reject.column, reject.problem) == (3, "QTY", "ambiguous sign")
    assert 'set comes_back = "unsigned"' in reject.reason


def test_margin_column_is_taken_as_it_is_and_turned_for_returns(
    tmp_path: Path, rates: Rates
) -> None:
    fields = DEMO_FIELDS.replace('cost = "COST_AMOUNT"', 'margin = "COST_AMOUNT"')
    mapping = parse_actuals_mapping(
        mapping_text(fields, values=KIND_VALUES), "margin.toml"
    )
    path = write_actuals(
        tmp_path,
        [
            doc("INVOICE", "I-1", "2026-03-01", "1", "100", "-5", "EUR"),
            doc("CREDIT", "C-1", "2026-03-02", "1", "100", "30", "USD"),
        ],
    )

    rows = read_actuals(path, mapping, rates).rows

    # A loss of EUR 5 is USD -6.25; an unsigned credit's margin 30 counts -30.
    assert [r.margin for r in rows] == [Decimal("-6.25"), Decimal(-30)]


def test_constant_kind_and_rules_currency_read_a_one_kind_file(
    tmp_path: Path, rates: Rates
) -> None:
    mapping = parse_actuals_mapping(
        mapping_text(
            'date = "DOC_DATE"\nkind = { value = "invoice" }\n'
            'revenue = "NET_AMOUNT"\nunits = "QTY"',
            'currency = "eur"',
        ),
        "register.toml",
    )
    path = write_actuals(
        tmp_path, [doc("ANYTHING", "I-1", "2026-03-01", "2", "8.00", "", "")]
    )

    (row,) = read_actuals(path, mapping, rates).rows

    # EUR 8.00 x 1.25 = USD 10.00; no cost or margin mapped: margin unknown.
    assert (row.kind, row.revenue, row.units, row.margin) == ("invoice", 10, 2, None)


def test_unknown_product_group_code_is_rejected_unless_kept(
    tmp_path: Path, rates: Rates
) -> None:
    values = KIND_VALUES + '[values.group]\nPMP = "Pumps"\n'
    fields = DEMO_FIELDS + 'product_group = { column = "PROD_GRP", map = "group" }'
    mapping = parse_actuals_mapping(mapping_text(fields, "", values), "g.toml")
    unknown = doc("INVOICE", "I-2", "2026-03-01", "1", "5")
    unknown[HEADER.index("PROD_GRP")] = "XYZ"
    path = write_actuals(
        tmp_path, [doc("INVOICE", "I-1", "2026-03-01", "1", "5"), unknown]
    )

    read = read_actuals(path, mapping, rates)

    assert [row.product_group for row in read.rows] == ["Pumps"]
    (reject,) = read.rejects
    assert (reject.column, reject.value, reject.problem) == (
        "PROD_GRP",
        "XYZ",
        "unknown value",
    )
    assert 'unmapped = "keep"' in reject.reason


@pytest.mark.parametrize(
    ("where", "text", "named"),
    [
        ("the top level", 'colour = "red"\n', "colour"),
        ("[rules]", "", "comes_bak"),
        ("[fields] revenue", "", "colum"),
    ],
)
def test_unknown_mapping_key_is_refused_naming_the_allowed_ones(
    where: str, text: str, named: str
) -> None:
    fields = DEMO_FIELDS
    rules = ""
    if named == "comes_bak":
        rules = 'comes_bak = "signed"'
    if named == "colum":
        fields = fields.replace(
            'revenue = "NET_AMOUNT"', 'revenue = { colum = "NET_AMOUNT" }'
        )
    document = text + mapping_text(fields, rules, KIND_VALUES)

    with pytest.raises(MappingError) as error:
        parse_actuals_mapping(document, "bad.toml")

    message = str(error.value)
    if named == "colum":
        assert "either 'column' or 'value'" in message
    else:
        assert f"unknown key(s) {named} in {where}" in message
        assert "Allowed:" in message


@pytest.mark.parametrize(
    ("fields", "values", "complaint"),
    [
        ('amount = "NET_AMOUNT"', KIND_VALUES, "'amount' is not an actuals field"),
        ('margin = "X"', KIND_VALUES, "maps both cost and margin"),
        ("", KIND_VALUES.replace('"dispatch"', '"shipment"'), "shipment"),
        ("", KIND_VALUES + '[values.region]\nN = "North"\n', "used by no field"),
    ],
)
def test_mapping_mistakes_are_refused_with_the_fix(
    fields: str, values: str, complaint: str
) -> None:
    text = mapping_text(DEMO_FIELDS + fields, values=values)

    with pytest.raises(MappingError, match=complaint):
        parse_actuals_mapping(text, "bad.toml")


def test_mapping_without_currency_is_refused() -> None:
    fields = DEMO_FIELDS.replace('currency = "CURRENCY"\n', "")

    with pytest.raises(MappingError, match=r"set currency = \"USD\""):
        parse_actuals_mapping(mapping_text(fields, values=KIND_VALUES), "x.toml")


def test_mapping_requires_date_kind_and_revenue() -> None:
    with pytest.raises(MappingError, match="must map kind, revenue"):
        parse_actuals_mapping(mapping_text('date = "D"', 'currency = "USD"'), "x")


def test_unknown_shipped_name_lists_the_shipped_actuals_mappings() -> None:
    with pytest.raises(MappingError, match="Shipped actuals mappings: actuals-demo"):
        load_actuals_mapping("actuals-nowhere")


def test_mapping_loads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(mapping_text(DEMO_FIELDS, values=KIND_VALUES), encoding="utf-8")

    mapping = load_actuals_mapping(path)

    assert (mapping.name, mapping.comes_back) == ("test-actuals", "unsigned")


# Workbooks.


def test_xlsx_actuals_keep_date_and_number_cells(tmp_path: Path, rates: Rates) -> None:
    import xlsxwriter

    path = tmp_path / "invoices.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Register")
    day_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    cells = [
        ("INVOICE", "I-1", datetime(2026, 2, 2), 4, 250.5, 100.25, "EUR"),
        ("CREDIT", "C-1", datetime(2026, 2, 9), 1, 62.5, None, "USD"),
    ]
    for at, (kind, number, day, qty, amount, cost, currency) in enumerate(cells, 1):
        sheet.write(at, 0, kind)
        sheet.write(at, 1, number)
        sheet.write_datetime(at, 2, day, day_format)
        sheet.write_row(at, 3, ["SO-1", 10, "P1", "VLV", "C-1", "Bo", "South"])
        sheet.write_number(at, 10, qty)
        sheet.write_number(at, 11, amount)
        if cost is not None:
            sheet.write_number(at, 12, cost)
        sheet.write(at, 13, currency)
    workbook.close()

    read = read_actuals(path, "actuals-demo", rates)

    invoice, credit = read.rows
    # 250.50 x 1.25 = 313.125 -> 313.13; cost 100.25 x 1.25 = 125.3125 -> 125.31.
    assert (invoice.day, invoice.units, invoice.revenue) == (
        date(2026, 2, 2),
        4,
        Decimal("313.13"),
    )
    assert invoice.margin == Decimal("187.82")
    assert (invoice.line_id, invoice.product_group) == ("10", "Valves")
    assert (credit.kind, credit.units, credit.revenue, credit.margin) == (
        "credit_note",
        -1,
        Decimal("-62.50"),
        None,
    )
    assert [(c.read, c.accepted, c.rejected) for c in read.counts] == [(2, 2, 0)]
