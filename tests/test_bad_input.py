"""Bad exports give clear errors and lose no row: read = accepted + rejected."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import report_json, run_cli

MAPPING = """
name = "plain"
[fields]
order_id = "order"
line_id = "line"
customer_name = "customer"
ordered_qty = "qty"
shipped_qty = "delivered"
unit_price = "price"
confirmed_date = "ship_date"
status = { column = "status", map = "status" }

[values.status]
open = "released"
hold = "blocked"
done = "shipped"
"""

HEADER = "order,line,customer,qty,delivered,price,ship_date,status\n"


def _write(tmp_path: Path, body: str, name: str = "lines.csv") -> tuple[Path, Path]:
    export = tmp_path / name
    export.write_text(body, encoding="utf-8")
    mapping = tmp_path / "plain.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return export, mapping


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_bad_rows_are_rejected_with_file_row_column_and_fix(tmp_path):
    body = HEADER + (
        "SO-1,10,Customer A,10,0,100,2024-05-10,open\n"
        "SO-2,10,Customer B,5,0,20,2024-02-31,open\n"
        "SO-3,10,Customer C,five,0,20,2024-05-10,open\n"
        "SO-4,10,Customer D,5,0,20,2024-05-10,backorder\n"
        "SO-5,10,Customer E,5,0,20\n"
    )
    export, mapping = _write(tmp_path, body)
    out = tmp_path / "out"

    result = run_cli(
        "report",
        export,
        "--mapping",
        mapping,
        "--as-of",
        "2024-05-06",
        "--out",
        out,
        "--format",
        "json",
    )

    assert result.exit_code == 0, result.output
    report = report_json(out)
    assert report["inputs"]["read"] == 5
    assert report["inputs"]["accepted"] == 1
    assert report["inputs"]["rejected"] == 4
    rejects = {row["row"]: row for row in _rejects(out / "rejected-rows.csv")}
    assert set(rejects) == {"3", "4", "5", "6"}
    assert rejects["3"]["column"] == "ship_date"
    assert "2024-02-31" in rejects["3"]["reason"]
    assert rejects["4"]["column"] == "qty"
    assert rejects["4"]["problem"] == "bad number"
    assert "backorder" in rejects["5"]["reason"]
    assert "[values.status]" in rejects["5"]["reason"]
    assert "'open'" in rejects["5"]["reason"]
    assert "6 fields but the header has 8" in rejects["6"]["reason"]


def test_duplicate_line_keys_reject_every_copy(tmp_path):
    body = HEADER + (
        "SO-1,10,Customer A,10,0,100,2024-05-10,open\n"
        "SO-1,10,Customer A,12,0,100,2024-05-10,open\n"
        "SO-1,20,Customer A,1,0,100,2024-05-10,open\n"
    )
    export, mapping = _write(tmp_path, body)

    result = run_cli("check", export, "--mapping", mapping)

    assert result.exit_code == 1
    assert "3 read = 1 accepted + 2 rejected" in result.output
    assert "line key SO-1/10 appears 2 times" in result.output
    assert "lines.csv row 2" in result.output and "row 3" in result.output


def test_missing_required_column_names_the_file_and_columns(tmp_path):
    export, mapping = _write(tmp_path, "order,line,customer,qty\nSO-1,10,A,1\n")

    result = run_cli("check", export, "--mapping", mapping)

    assert result.exit_code == 2
    assert "lines.csv" in result.output
    assert "required column 'delivered' not found" in result.output
    assert "Columns in the file: order, line, customer, qty" in result.output


def test_empty_file_and_header_only_file_are_clear_errors(tmp_path):
    export, mapping = _write(tmp_path, "")
    empty = run_cli("check", export, "--mapping", mapping)
    export.write_text(HEADER, encoding="utf-8")
    header_only = run_cli("check", export, "--mapping", mapping)

    assert empty.exit_code == 2
    assert "the file is empty" in empty.output
    assert header_only.exit_code == 2
    assert "has a header but no data rows" in header_only.output


def test_clean_export_checks_with_exit_zero(tmp_path):
    body = HEADER + "SO-1,10,Customer A,10,4,100,2024-05-10,open\n"
    export, mapping = _write(tmp_path, body)

    result = run_cli("check", export, "--mapping", mapping)

    assert result.exit_code == 0
    assert "1 read = 1 accepted + 0 rejected" in result.output


def test_semicolon_cp1252_decimal_comma_export_reads_right(tmp_path):
    mapping = tmp_path / "eu.toml"
    mapping.write_text(
        MAPPING.replace(
            'name = "plain"',
            'name = "eu"\n[format]\ndecimal = ","\nthousands = "."\ndate = "%d.%m.%Y"',
        ),
        encoding="utf-8",
    )
    export = tmp_path / "lines.csv"
    body = (
        "order;line;customer;qty;delivered;price;ship_date;status\r\n"
        "SO-1;10;Müller Größen;1.000;250;1.234,50;10.05.2024;open\r\n"
    )
    export.write_bytes(body.encode("cp1252"))
    out = tmp_path / "out"

    result = run_cli(
        "report",
        export,
        "--mapping",
        mapping,
        "--as-of",
        "2024-05-06",
        "--out",
        out,
        "--format",
        "json",
    )

    assert result.exit_code == 0, result.output
    line = report_json(out)["lines"][0]
    assert line["customer_name"] == "Müller Größen"
    assert line["open_qty"] == "750"
    assert line["open_value"] == "925875.00"
    assert line["ship_date"] == "2024-05-10"


def test_crm_pipeline_export_is_refused_with_the_reason(tmp_path):
    export, mapping = _write(
        tmp_path, HEADER.strip() + ",Stage\nSO-1,10,A,1,0,1,2024-05-10,open,Proposal\n"
    )

    result = run_cli("check", export, "--mapping", mapping)

    assert result.exit_code == 2
    assert "CRM pipeline columns (Stage)" in result.output


def test_a_column_name_with_a_dot_is_read_from_the_lines_file(tmp_path):
    mapping = tmp_path / "dots.toml"
    mapping.write_text(
        '[fields]\norder_id = "Document No."\nline_id = "Line No."\n'
        'item = "No."\nordered_qty = "Quantity"\nstatus = { value = "released" }\n',
        encoding="utf-8",
    )
    export = tmp_path / "lines.csv"
    export.write_text("Document No.,Line No.,No.,Quantity\nSO-1,10,ITEM-7,3\n")
    out = tmp_path / "out"

    result = run_cli(
        "report",
        export,
        "--mapping",
        mapping,
        "--as-of",
        "2024-05-06",
        "--out",
        out,
        "--format",
        "json",
    )

    assert result.exit_code == 0, result.output
    assert report_json(out)["lines"][0]["item"] == "ITEM-7"


def test_a_value_map_no_field_uses_is_refused(tmp_path):
    mapping = tmp_path / "typo.toml"
    mapping.write_text(
        'extends = "erpnext"\n[values.statuss]\nDraft = "released"\n', encoding="utf-8"
    )
    export, _ = _write(tmp_path, HEADER + "SO-1,10,A,1,0,1,2024-05-10,open\n")

    result = run_cli("check", export, "--mapping", mapping)

    assert result.exit_code == 2
    assert "[values.statuss] is used by no field" in result.output
