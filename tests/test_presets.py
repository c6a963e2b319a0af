"""The shipped ERP presets read a sample export in each ERP's own shape.

Every sample (tests/preset_samples.py) is reported as of Friday 14 March 2025
for the month of March 2025. The expected boxes are summed by hand from the
sample rows; each test's comments show the arithmetic, line by line. Value is
the open quantity's net value: the whole line amount while nothing has
shipped, else open quantity x net price.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import report_json, run_cli
from preset_samples import (
    SampleExport,
    write_dynamics_bc,
    write_erpnext,
    write_netsuite,
    write_odoo,
    write_oracle_om,
    write_sap_schedule_lines,
    write_sap_va05,
)

AS_OF = "2025-03-14"
PRESETS = (
    "sap-va05",
    "sap-schedule-lines",
    "oracle-om",
    "dynamics-bc",
    "erpnext",
    "odoo",
    "netsuite",
)

Box = tuple[int, Decimal, Decimal]


def report_preset(
    folder: Path, mapping: str, write: Callable[[Path], SampleExport]
) -> dict[str, Any]:
    """Write the sample, run ``backlogdesk report`` with ``mapping`` and return
    the JSON report; every sample row must be read, none rejected."""
    export_dir = folder / "export"
    export_dir.mkdir()
    sample = write(export_dir)
    out_dir = folder / "report"
    result = run_cli(
        "report",
        *(str(path) for path in sample.files),
        "--mapping",
        mapping,
        "--as-of",
        AS_OF,
        "--period",
        "month",
        "--format",
        "json",
        "--out",
        str(out_dir),
        *sample.options,
    )
    assert result.exit_code == 0, result.output
    document = report_json(out_dir)
    rejected = (out_dir / "rejected-rows.csv").read_text(encoding="utf-8")
    assert document["inputs"]["rejected"] == 0, rejected
    return document


def box(section: dict[str, Any], name: str) -> Box:
    """A box as (lines, units, value) with exact decimals."""
    entry = section[name]
    return entry["lines"], Decimal(entry["units"]), Decimal(entry["value"])


def numbers(document: dict[str, Any]) -> dict[str, Box]:
    """The four headline boxes of a report."""
    names = ("open_orders", "sales_backlog", "blocked", "pending")
    return {name: box(document["numbers"], name) for name in names}


def open_lines(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The report's open lines by line key."""
    return {line["line_key"]: line for line in document["lines"]}


def open_qty(document: dict[str, Any]) -> dict[str, Decimal]:
    """Open quantity of each open line, by line key."""
    return {
        key: Decimal(line["open_qty"]) for key, line in open_lines(document).items()
    }


def test_sap_va05_reads_a_german_item_list(tmp_path: Path) -> None:
    document = report_preset(tmp_path, "sap-va05", write_sap_va05)

    # Released: 4711/10 10 x 1.234,50 = 12.345,00 (B, requested 20.03)
    #           4711/20  5 x   200,00 =  1.000,00 (C, requested 15.04)
    #           4717/10  2 x    75,50 =    151,00 (undated)
    #           4718/10 20 x    12,25 =    245,00 (B, 03.03, past due)
    #           4 lines, 37 units, 13.741,00
    # Pending:  4712/10 confirmed 0,000: 8 units, 400,00
    # Blocked:  4713/10 credit status B     4 units  1.000,00
    #           4714/10 delivery block 03   6 units    600,00
    #           4719/10 delivery block Z1   1 unit      99,90
    #           3 lines, 11 units, 1.699,90
    # Not open: 4715/10 rejected (02), 4716/10 completely processed (C).
    # Open orders: 8 lines, 37 + 8 + 11 = 56 units, 15.840,90.
    assert numbers(document) == {
        "open_orders": (8, Decimal(56), Decimal("15840.90")),
        "sales_backlog": (4, Decimal(37), Decimal("13741.00")),
        "blocked": (3, Decimal(11), Decimal("1699.90")),
        "pending": (1, Decimal(8), Decimal("400.00")),
    }
    buckets = document["buckets"]
    assert box(buckets, "A") == (0, Decimal(0), Decimal(0))
    assert box(buckets, "B") == (2, Decimal(30), Decimal("12590.00"))
    assert box(buckets, "C") == (1, Decimal(5), Decimal("1000.00"))
    assert box(document["past_due"], "B") == (1, Decimal(20), Decimal("245.00"))


def test_sap_va05_maps_blocks_and_keeps_requested_date_as_low_estimate(
    tmp_path: Path,
) -> None:
    lines = open_lines(report_preset(tmp_path, "sap-va05", write_sap_va05))

    assert {
        key: line["block_reason"] for key, line in lines.items() if line["block_reason"]
    } == {
        "4713/10": "credit_hold",
        "4714/10": "material",
        "4719/10": "delivery_block",
    }
    assert lines["4711/10"]["customer_name"] == "Müller GmbH"
    assert lines["4711/10"]["estimated_date"] == "2025-03-20"
    assert lines["4711/10"]["requested_date"] == "2025-03-20"
    assert lines["4711/10"]["confidence"] == "low"
    assert lines["4717/10"]["undated"] is True
    assert lines["4712/10"]["status_class"] == "pending"


def test_sap_schedule_lines_spread_item_deliveries_over_schedule_lines(
    tmp_path: Path,
) -> None:
    document = report_preset(tmp_path, "sap-schedule-lines", write_sap_schedule_lines)

    # Item 12345/10 delivered 70, schedule lines by date 40 / 40 / 20:
    #   0001 (03.03) takes 40 -> open 0;  0002 (17.03) takes 30 -> open 10;
    #   0003 (07.04) takes 0 -> open 20.
    # Item 12345/20: 0001 confirmed 0 (not open), 0002 10 x 1.250,00 open.
    # 12348/10 is rejected and 12349/10 delivered: neither is open.
    assert open_qty(document) == {
        "12345/000010/0002": Decimal(10),
        "12345/000010/0003": Decimal(20),
        "12345/000020/0002": Decimal(10),
        "12346/000010/0001": Decimal(5),
        "12347/000010/0001": Decimal(8),
        "12348/000020/0001": Decimal(3),
        "12350/000010/0001": Decimal(12),
    }
    lines = open_lines(document)
    assert lines["12345/000010/0002"]["partial"] is True
    assert lines["12346/000010/0001"]["block_reason"] == "credit_hold"
    assert lines["12347/000010/0001"]["block_reason"] == "missing_information"
    assert lines["12348/000020/0001"]["block_reason"] == "delivery_block"


def test_sap_schedule_lines_sum_confirmed_schedule_lines(tmp_path: Path) -> None:
    document = report_preset(tmp_path, "sap-schedule-lines", write_sap_schedule_lines)

    # Released: 10 x 10,00 = 100,00 (A, 17.03, partly shipped)
    #           20 x 10,00 = 200,00 (C, 07.04)
    #           10 x 1.250,00 = 12.500,00 (A, 24.03)
    #           12 x 2,50 = 30,00 (A, 10.03, past due)
    #           4 lines, 52 units, 12.830,00
    # Blocked:  12346 credit status B   5 x 300,00 = 1.500,00
    #           12347 LIFSK 02          8 x  10,00 =    80,00
    #           12348/20 LIFSP Z9       3 x  50,00 =   150,00
    #           3 lines, 16 units, 1.730,00
    assert numbers(document) == {
        "open_orders": (7, Decimal(68), Decimal("14560.00")),
        "sales_backlog": (4, Decimal(52), Decimal("12830.00")),
        "blocked": (3, Decimal(16), Decimal("1730.00")),
        "pending": (0, Decimal(0), Decimal(0)),
    }
    buckets = document["buckets"]
    assert box(buckets, "A") == (3, Decimal(32), Decimal("12630.00"))
    assert box(buckets, "C") == (1, Decimal(20), Decimal("200.00"))
    assert box(buckets, "D") == (3, Decimal(16), Decimal("1730.00"))
    assert box(document["past_due"], "A") == (1, Decimal(12), Decimal("30.00"))


def test_oracle_om_reads_flow_statuses_holds_and_split_lines(
    tmp_path: Path,
) -> None:
    document = report_preset(tmp_path, "oracle-om", write_oracle_om)

    # Released: 66001/1.2  4 x 120,00 =  480.00 (A, scheduled 18-MAR)
    #           66001/2.1 10 x  35.50 =  355.00 (B, promised 28-MAR)
    #           66002/1.1  3 x 1000.00 EUR x 1.10 (rate of 2025-01-01, the
    #                      latest on or before the order date 10-FEB) = 3300.00
    #                      (A, 07-MAR, past due)
    #           66002/2.1  1 x 500.00 EUR x 1.10 = 550.00 (C, 21-APR)
    #           4 lines, 18 units, 4685.00
    # Blocked:  66001/3.1 line hold (company hold -> other) 2 x 120 = 240.00
    #           66003/1.1 order hold Credit Check Failure 20 x 35.50 = 710.00
    #           2 lines, 22 units, 950.00
    # Pending:  66004/1.1 ENTERED 5 x 118.00 = 590.00
    # Not open: 66001/1.1 closed after shipping, 66005 cancelled, 66006 closed.
    assert numbers(document) == {
        "open_orders": (7, Decimal(45), Decimal("6225.00")),
        "sales_backlog": (4, Decimal(18), Decimal("4685.00")),
        "blocked": (2, Decimal(22), Decimal("950.00")),
        "pending": (1, Decimal(5), Decimal("590.00")),
    }
    buckets = document["buckets"]
    assert box(buckets, "A") == (2, Decimal(7), Decimal("3780.00"))
    assert box(buckets, "B") == (1, Decimal(10), Decimal("355.00"))
    assert box(buckets, "C") == (1, Decimal(1), Decimal("550.00"))
    assert box(document["past_due"], "A") == (1, Decimal(3), Decimal("3300.00"))
    lines = open_lines(document)
    assert open_qty(document)["66001/1.2"] == Decimal(4)
    assert lines["66003/1.1"]["block_reason"] == "credit_hold"
    assert lines["66001/3.1"]["block_reason"] == "other"
    assert lines["66001/3.1"]["undated"] is True
    assert lines["66002/1.1"]["customer_name"] == "Bergmann AG"


def test_dynamics_bc_reads_open_in_excel_workbooks(tmp_path: Path) -> None:
    document = report_preset(tmp_path, "dynamics-bc", write_dynamics_bc)

    # Released (S-ORD101001):
    #   10000  10 ordered, 4 shipped: 6 x (10008.00 / 10 = 1000.80) = 6004.80
    #          (A, promised 20.03)
    #   20000  8 x 192.80 less 10 % = 1388.16 (B, shipment date 26.03)
    #   30000  freight charge (G/L Account): no units, 45.00, dated with the
    #          order's first open goods line (A)
    #   3 lines, 14 units, 7437.96
    # Pending:  S-ORD101002 Open: 2 units, 2001.60
    # Blocked:  S-ORD101003 Pending Prepayment (payment) 1 unit 649.40
    #           S-ORD101005 On Hold CRD (other)          5 units 616.50
    #           2 lines, 6 units, 1265.90
    # Not open: 40000 shipped in full, 50000 a comment line with no quantity.
    assert numbers(document) == {
        "open_orders": (6, Decimal(22), Decimal("10705.46")),
        "sales_backlog": (3, Decimal(14), Decimal("7437.96")),
        "blocked": (2, Decimal(6), Decimal("1265.90")),
        "pending": (1, Decimal(2), Decimal("2001.60")),
    }
    buckets = document["buckets"]
    assert box(buckets, "A") == (2, Decimal(6), Decimal("6049.80"))
    assert box(buckets, "B") == (1, Decimal(8), Decimal("1388.16"))
    lines = open_lines(document)
    assert open_qty(document)["S-ORD101001/10000"] == Decimal(6)
    assert lines["S-ORD101001/10000"]["partial"] is True
    assert lines["S-ORD101001/30000"]["line_type"] == "charge"
    assert lines["S-ORD101003/10000"]["block_reason"] == "payment"
    assert lines["S-ORD101005/10000"]["block_reason"] == "other"
    assert lines["S-ORD101001/10000"]["customer_name"] == "The Cannon Group PLC"


def test_erpnext_reads_sales_order_items_and_order_status(tmp_path: Path) -> None:
    document = report_preset(tmp_path, "erpnext", write_erpnext)

    # Released: 00011/1 10 ordered, 4 delivered: 6 x 55.00 = 330.00 (A, 20.03)
    #           00011/2  2 x 240.00 = 480.00 (C, 10.04)
    #           00012/1 12 x 55.00 = 660.00 (A, 10.03, past due)
    #           00012/2  4 x 1250.00 = 5000.00 (A, 27.03)
    #           4 lines, 24 units, 6470.00
    # Blocked:  00013 On Hold: 3 x 240.00 = 720.00
    # Pending:  00014 Draft, no delivery date: 2 x 310.50 = 621.00
    # Not open: 00011/3 delivered, 00015 Completed, 00016 Cancelled,
    #           00017 Closed (3 never delivered), 00018 To Bill.
    assert numbers(document) == {
        "open_orders": (6, Decimal(29), Decimal("7811.00")),
        "sales_backlog": (4, Decimal(24), Decimal("6470.00")),
        "blocked": (1, Decimal(3), Decimal("720.00")),
        "pending": (1, Decimal(2), Decimal("621.00")),
    }
    buckets = document["buckets"]
    assert box(buckets, "A") == (3, Decimal(22), Decimal("5990.00"))
    assert box(buckets, "C") == (1, Decimal(2), Decimal("480.00"))
    assert box(document["past_due"], "A") == (1, Decimal(12), Decimal("660.00"))
    lines = open_lines(document)
    assert open_qty(document)["SAL-ORD-2025-00011/1"] == Decimal(6)
    assert lines["SAL-ORD-2025-00013/1"]["block_reason"] == "other"
    assert lines["SAL-ORD-2025-00014/1"]["undated"] is True


def test_odoo_reads_order_lines_with_utc_datetimes(tmp_path: Path) -> None:
    document = report_preset(tmp_path, "odoo", write_odoo)

    # Released: S00021 desk 4 ordered, 1 delivered, 750.00 less 10 %:
    #             net 2700.00 / 4 = 675.00; 3 x 675.00 = 2025.00 (A, 19.03)
    #           S00021 lamp 10 x 40.00 = 400.00 (A, 19.03)
    #           S00022 cabinet 2 x 140.00 = 280.00 (B, expected 27.03)
    #           S00026 locked, 2 ordered, 1 delivered: 1 x 750.00 (A, 05.03,
    #             past due)
    #           S00027 lamp 5 x 40.00 = 200.00 (no date: undated)
    #           S00028 lamp 1 x 100.00, committed 2025-03-31 23:30 UTC, which
    #             is 1 April in Berlin (C)
    #           6 lines, 22 units, 3755.00
    # Pending:  S00023 sent 1 x 450.00 less 5 % = 427.50
    #           S00024 draft 3 x 120.50 = 361.50
    #           2 lines, 4 units, 789.00
    # Not open: S00022 chairs delivered, S00025 cancelled.
    assert numbers(document) == {
        "open_orders": (8, Decimal(26), Decimal("4544.00")),
        "sales_backlog": (6, Decimal(22), Decimal("3755.00")),
        "blocked": (0, Decimal(0), Decimal(0)),
        "pending": (2, Decimal(4), Decimal("789.00")),
    }
    buckets = document["buckets"]
    assert box(buckets, "A") == (3, Decimal(14), Decimal("3175.00"))
    assert box(buckets, "B") == (1, Decimal(2), Decimal("280.00"))
    assert box(buckets, "C") == (1, Decimal(1), Decimal("100.00"))
    assert box(document["past_due"], "A") == (1, Decimal(1), Decimal("750.00"))
    lines = open_lines(document)
    desk = "S00021/__export__.sale_order_line_101_5f3a"
    assert open_qty(document)[desk] == Decimal(3)
    assert lines[desk]["confirmed_date"] == "2025-03-19"
    late = "S00028/__export__.sale_order_line_110_7b19"
    assert lines[late]["confirmed_date"] == "2025-04-01"
    assert lines["S00027/__export__.sale_order_line_109_f0a2"]["undated"] is True


def test_netsuite_reads_a_saved_search_with_line_closed_flags(
    tmp_path: Path,
) -> None:
    document = report_preset(tmp_path, "netsuite", write_netsuite)

    # Released: SO1001/1 100 ordered, 40 fulfilled: 60 x 12.50 = 750.00
    #             (B, expected 3/20)
    #           SO1001/3 5 x 1,250.00 = 6250.00 (C, 4/15)
    #           SO1002/1 200 x 11.00 EUR = 2200.00 x 1.10 = 2420.00
    #             (B, 3/7, past due)
    #           SO1004/2 2 x 1,200.00 = 2400.00 (no expected date: undated)
    #           4 lines, 267 units, 11820.00
    # Pending:  SO1003 Pending Approval: 25 x 8.00 = 200.00
    # Not open: SO1001/2 fulfilled, SO1004/1 closed line, SO1005 Billed,
    #           SO1006 Cancelled, SO1007 Pending Billing, SO1008 Closed.
    assert numbers(document) == {
        "open_orders": (5, Decimal(292), Decimal("12020.00")),
        "sales_backlog": (4, Decimal(267), Decimal("11820.00")),
        "blocked": (0, Decimal(0), Decimal(0)),
        "pending": (1, Decimal(25), Decimal("200.00")),
    }
    buckets = document["buckets"]
    assert box(buckets, "B") == (2, Decimal(260), Decimal("3170.00"))
    assert box(buckets, "C") == (1, Decimal(5), Decimal("6250.00"))
    assert box(document["past_due"], "B") == (1, Decimal(200), Decimal("2420.00"))
    lines = open_lines(document)
    assert open_qty(document)["SO1001/1"] == Decimal(60)
    assert lines["SO1002/1"]["currency"] == "EUR"
    assert lines["SO1004/2"]["undated"] is True
    assert "SO1004/1" not in lines


def test_mappings_list_names_every_preset() -> None:
    result = run_cli("mappings", "list")

    assert result.exit_code == 0, result.output
    listed = {line.split(":", 1)[0] for line in result.output.splitlines()}
    assert set(PRESETS) <= listed


@pytest.mark.parametrize("preset", PRESETS)
def test_mappings_show_prints_each_preset(preset: str) -> None:
    result = run_cli("mappings", "show", preset)

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f'name = "{preset}"\n')


def test_mappings_show_prints_the_sap_va05_preset() -> None:
    result = run_cli("mappings", "show", "sap-va05")

    assert result.exit_code == 0, result.output
    assert result.output.startswith('name = "sap-va05"\n')
    assert 'order_id = "Sales Document"' in result.output
    assert 'decimal = ","' in result.output


def test_user_mapping_extending_erpnext_overrides_one_value(tmp_path: Path) -> None:
    own = tmp_path / "our-erpnext.toml"
    own.write_text(
        'extends = "erpnext"\nname = "our-erpnext"\n\n'
        "[values.hold_reason]\n"
        '# Our orders go on hold only for credit.\n"On Hold" = "credit_hold"\n',
        encoding="utf-8",
    )

    document = report_preset(tmp_path, str(own), write_erpnext)

    # Only the hold's reason changes: other -> credit_hold. The boxes are those
    # of the preset itself (test_erpnext_reads_sales_order_items_...).
    lines = open_lines(document)
    assert lines["SAL-ORD-2025-00013/1"]["block_reason"] == "credit_hold"
    assert numbers(document)["blocked"] == (1, Decimal(3), Decimal("720.00"))
    assert numbers(document)["open_orders"] == (6, Decimal(29), Decimal("7811.00"))
