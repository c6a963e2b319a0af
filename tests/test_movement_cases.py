"""Movement files (deliveries, returns, invoices, credit notes): field cases
01, 07, 08, 10, 11 and 13 with the right values from the case list."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from conftest import report_json, run_cli

MAPPING = """
name = "moves"
[fields]
order_id = "order"
line_id = "line"
customer_name = "customer"
item = "item"
ordered_qty = "qty"
unit_price = "price"
confirmed_date = "ship_date"
status = { value = "released" }

[movements.by_line]
match = "moves*"
kind = { column = "type", map = "kinds" }
order_id = "order"
line_id = "line"
qty = "qty"
date = "date"

[movements.by_item]
match = "items*"
kind = { column = "type", map = "kinds" }
order_id = "order"
item = "item"
qty = "qty"

[values.kinds]
DN = "delivery"
RT = "return"
SI = "invoice"
CN = "credit_note"

[rules]
movement_signs = "SIGNS"
returns_reshipped = RESHIP
"""

LINE_HEADER = ("order", "line", "customer", "item", "qty", "price", "ship_date")


def _csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _run(tmp_path, lines, moves=(), items=(), signs="signed", reship=False) -> dict:
    tmp_path.mkdir(parents=True, exist_ok=True)
    mapping = tmp_path / "moves.toml"
    text = MAPPING.replace("SIGNS", signs).replace("RESHIP", str(reship).lower())
    mapping.write_text(text, encoding="utf-8")
    orders = _csv(tmp_path / "lines.csv", LINE_HEADER, lines)
    args = []
    if moves:
        header = ("doc", "type", "order", "line", "qty", "date")
        args += ["--movements", _csv(tmp_path / "moves.csv", header, list(moves))]
    if items:
        args += [
            "--movements",
            _csv(
                tmp_path / "items.csv",
                ("doc", "type", "order", "item", "qty"),
                list(items),
            ),
        ]
    out = tmp_path / "out"
    result = run_cli(
        "report",
        orders,
        "--mapping",
        mapping,
        "--as-of",
        "2024-05-20",
        "--period",
        "month",
        "--out",
        out,
        "--format",
        "json",
        *args,
    )
    assert result.exit_code == 0, result.output
    return report_json(out)


def _lines(report: dict) -> dict[str, dict]:
    return {row["line_key"]: row for row in report["lines"]}


def _invoice_rows(report: dict) -> dict[str, dict]:
    return {row["line_key"]: row for row in report["triage"]["to_invoice"]["rows"]}


def test_case_01_lines_without_any_delivery_stay_open(tmp_path):
    report = _run(
        tmp_path,
        [
            ("SO-1", "10", "Customer A", "P1", "10", "100", ""),
            ("SO-2", "10", "Customer B", "P2", "5", "200", ""),
        ],
        moves=[("DN-1", "DN", "SO-1", "10", "4", "2024-05-10")],
    )

    lines = _lines(report)
    assert report["numbers"]["open_orders"]["lines"] == 2
    assert (lines["SO-1/10"]["open_qty"], lines["SO-1/10"]["open_value"]) == (
        "6",
        "600.00",
    )
    assert (lines["SO-2/10"]["open_qty"], lines["SO-2/10"]["open_value"]) == (
        "5",
        "1000.00",
    )
    assert report["numbers"]["open_orders"]["value"] == "1600.00"


def test_case_07_deliveries_and_invoices_are_summed_apart(tmp_path):
    report = _run(
        tmp_path,
        [("SO-1", "10", "Customer A", "P1", "10", "1", "")],
        moves=[
            ("DN-1", "DN", "SO-1", "10", "2", ""),
            ("DN-2", "DN", "SO-1", "10", "1", ""),
            ("SI-1", "SI", "SO-1", "10", "2", ""),
            ("SI-2", "SI", "SO-1", "10", "2", ""),
        ],
    )

    line = _lines(report)["SO-1/10"]
    assert (line["delivered_qty"], line["open_qty"], line["invoiced_qty"]) == (
        "3",
        "7",
        "4",
    )
    assert line["to_invoice_qty"] == "0"
    ordered_basis = Decimal(line["ordered_qty"]) - Decimal(line["invoiced_qty"])
    assert ordered_basis == 6
    (ahead,) = report["data_quality"]["invoiced_ahead"]["rows"]
    assert (ahead["line_key"], ahead["invoiced_ahead_qty"]) == ("SO-1/10", "1")


def test_case_08_invoices_match_their_own_line(tmp_path):
    report = _run(
        tmp_path,
        [
            ("SO-1", "10", "Customer A", "P1", "50", "1", ""),
            ("SO-1", "20", "Customer A", "P2", "20", "1", ""),
        ],
        moves=[
            ("SI-1", "SI", "SO-1", "10", "3", ""),
            ("SI-2", "SI", "SO-1", "10", "10", ""),
            ("SI-2", "SI", "SO-1", "20", "5", ""),
        ],
    )

    lines = _lines(report)
    assert (lines["SO-1/10"]["invoiced_qty"], lines["SO-1/20"]["invoiced_qty"]) == (
        "13",
        "5",
    )
    to_invoice_ordered = [
        Decimal(lines[k]["ordered_qty"]) - Decimal(lines[k]["invoiced_qty"])
        for k in ("SO-1/10", "SO-1/20")
    ]
    assert to_invoice_ordered == [37, 15]
    assert sum(Decimal(row["invoiced_qty"]) for row in lines.values()) == 18


def _case_10_lines():
    return [
        ("SO-1", "10", "Customer A", "K", "16", "1", "2024-07-01"),
        ("SO-1", "20", "Customer A", "K", "10", "1", "2024-07-15"),
        ("SO-1", "30", "Customer A", "K", "4", "1", "2024-08-01"),
    ]


def test_case_10_same_item_on_several_lines_by_line_key(tmp_path):
    report = _run(
        tmp_path,
        _case_10_lines(),
        moves=[
            ("DN-1", "DN", "SO-1", "10", "16", ""),
            ("DN-1", "DN", "SO-1", "20", "10", ""),
        ],
    )

    lines = _lines(report)
    assert list(lines) == ["SO-1/30"]
    assert (lines["SO-1/30"]["open_qty"], lines["SO-1/30"]["ship_month"]) == (
        "4",
        "2024-08",
    )
    assert report["numbers"]["open_orders"]["units"] == "4"
    assert report["data_quality"]["over_delivery"]["lines"] == 0


def test_case_10_order_and_item_are_allocated_in_ship_date_order(tmp_path):
    report = _run(
        tmp_path,
        _case_10_lines(),
        items=[("DN-1", "DN", "SO-1", "K", "16"), ("DN-1", "DN", "SO-1", "K", "10")],
    )

    lines = _lines(report)
    assert list(lines) == ["SO-1/30"]
    assert lines["SO-1/30"]["open_qty"] == "4"
    assert report["data_quality"]["over_delivery"]["lines"] == 0


def test_case_11_returned_goods_leave_nothing_to_invoice(tmp_path):
    lines = [("SO-1", "10", "Customer A", "P1", "100", "1.00", "")]
    moves = [
        ("DN-1", "DN", "SO-1", "10", "100", ""),
        ("SI-1", "SI", "SO-1", "10", "90", ""),
        ("RT-1", "RT", "SO-1", "10", "-10", ""),
    ]

    not_reshipped = _run(tmp_path / "a", lines, moves=moves)
    reshipped = _run(tmp_path / "b", lines, moves=moves, reship=True)

    assert not_reshipped["numbers"]["open_orders"]["lines"] == 0
    assert "SO-1/10" not in _invoice_rows(not_reshipped)
    line = _lines(reshipped)["SO-1/10"]
    assert (line["open_qty"], line["to_invoice_qty"], line["returned_qty"]) == (
        "10",
        "0",
        "10",
    )


def test_case_13_unsigned_returns_are_negated(tmp_path):
    report = _run(
        tmp_path,
        [("SO-1", "10", "Customer A", "P1", "10", "1", "")],
        moves=[
            ("D-1", "DN", "SO-1", "10", "10", ""),
            ("R-1", "RT", "SO-1", "10", "3", ""),
        ],
        signs="unsigned",
        reship=True,
    )

    line = _lines(report)["SO-1/10"]
    assert (line["delivered_qty"], line["returned_qty"]) == ("10", "3")
    assert Decimal(line["delivered_qty"]) - Decimal(line["returned_qty"]) == 7
    assert line["open_qty"] == "3"
    assert line["to_invoice_qty"] == "7"


def test_a_movement_for_an_unknown_line_is_rejected_and_counted(tmp_path):
    report = _run(
        tmp_path,
        [("SO-1", "10", "Customer A", "P1", "10", "1", "")],
        moves=[
            ("DN-1", "DN", "SO-1", "10", "4", ""),
            ("DN-2", "DN", "SO-9", "10", "1", ""),
            ("DN-3", "XX", "SO-1", "10", "1", ""),
        ],
    )

    files = {row["file"]: row for row in report["inputs"]["files"]}
    assert files["moves.csv"] == {
        "file": "moves.csv",
        "read": 3,
        "accepted": 1,
        "rejected": 2,
    }
    rejects = (tmp_path / "out" / "rejected-rows.csv").read_text(encoding="utf-8")
    assert "SO-9/10" in rejects and "unknown movement kind 'XX'" in rejects


def test_lines_without_movements_keep_the_exports_shipped_quantity(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    mapping = tmp_path / "moves.toml"
    text = MAPPING.replace("SIGNS", "signed").replace("RESHIP", "false")
    text = text.replace(
        'unit_price = "price"', 'unit_price = "price"\nshipped_qty = "done"'
    )
    mapping.write_text(text, encoding="utf-8")
    header = ("order", "line", "customer", "item", "qty", "price", "ship_date", "done")
    orders = _csv(
        tmp_path / "lines.csv",
        header,
        [
            ("SO-1", "10", "A", "P1", "10", "1", "", "10"),
            ("SO-2", "10", "B", "P1", "10", "1", "", "4"),
        ],
    )
    moves = _csv(
        tmp_path / "moves.csv",
        ("doc", "type", "order", "line", "qty", "date"),
        [("DN-1", "DN", "SO-2", "10", "5", "")],
    )
    out = tmp_path / "out"

    result = run_cli(
        "report",
        orders,
        "--mapping",
        mapping,
        "--as-of",
        "2024-05-20",
        "--out",
        out,
        "--format",
        "json",
        "--movements",
        moves,
    )
    checked = run_cli("check", orders, "--mapping", mapping, "--movements", moves)

    assert result.exit_code == 0, result.output
    report = report_json(out)
    assert list(_lines(report)) == ["SO-2/10"]
    assert _lines(report)["SO-2/10"]["open_qty"] == "5"
    assert any("differs from the movement files" in n for n in report["notes"])
    assert "Total: 3 read = 3 accepted + 0 rejected" in checked.output
