"""Small exports written the way each ERP writes them, for the shipped presets.

Each writer puts one sample export into a folder: the ERP's own column names,
delimiter, number and date formats and encoding. CSV cells are text exactly as
the ERP writes them (``12.345,00``, ``07-MAR-2025``); workbooks hold typed
cells, as Excel stores them. The rows cover
open, partly shipped, shipped, cancelled or rejected, blocked, pending, dated
and undated lines; the expected numbers are worked out by hand in
tests/test_presets.py.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

Row = Sequence[str]


@dataclass(frozen=True)
class SampleExport:
    """The files of one sample export and the extra options a report needs."""

    files: tuple[Path, ...]
    options: tuple[str, ...] = ()


def write_delimited(
    path: Path, header: Row, rows: Sequence[Row], delimiter: str, encoding: str
) -> Path:
    """Write a header and rows of text cells, quoted only where needed."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_rates(folder: Path) -> Path:
    """EUR into USD: 1.10 from 1 January 2025, 1.05 from 1 March 2025."""
    path = folder / "rates.csv"
    path.write_text(
        "currency,date,rate\nEUR,2025-01-01,1.10\nEUR,2025-03-01,1.05\n",
        encoding="utf-8",
    )
    return path


def write_settings(folder: Path, **values: str) -> Path:
    """A settings file overriding text settings (reporting currency, zone)."""
    path = folder / "settings.toml"
    lines = ["[settings]", *(f'{name} = "{value}"' for name, value in values.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# SAP VA05, one row per item; German formats; Windows code page (cp1252).
VA05_HEADER = (
    "Sales Document",
    "Item",
    "Document Date",
    "Sold-to party",
    "Name 1",
    "Material",
    "Description",
    "Order Quantity",
    "Confirmed quantity",
    "Sales unit",
    "Net price",
    "Net value",
    "Currency",
    "Requested deliv.date",
    "Delivery block",
    "Credit status",
    "Reason for rejection",
    "Overall status",
)
# fmt: off
VA05_ROWS = (
    ("4711", "10", "02.01.2025", "100200", "Müller GmbH", "P-100", "Pumpe Ø 50",
     "10", "10", "ST", "1.234,50", "12.345,00", "EUR", "20.03.2025", "", "A", "",
     "A"),
    ("4711", "20", "02.01.2025", "100200", "Müller GmbH", "V-200", "Ventil DN 25",
     "5", "5", "ST", "200,00", "1.000,00", "EUR", "15.04.2025", "", "A", "", "B"),
    ("4712", "10", "06.02.2025", "100300", "Schmidt AG", "V-200", "Ventil DN 25",
     "8", "0,000", "ST", "50,00", "400,00", "EUR", "28.03.2025", "", "A", "", "A"),
    ("4713", "10", "10.02.2025", "100400", "Nordwind KG", "P-300", "Pumpe Ø 80",
     "4", "4", "ST", "250,00", "1.000,00", "EUR", "10.03.2025", "", "B", "", "A"),
    ("4714", "10", "11.02.2025", "100500", "Lindner & Söhne", "G-10", "Getriebe",
     "6", "6", "ST", "100,00", "600,00", "EUR", "", "03", "A", "", "A"),
    ("4715", "10", "12.02.2025", "100200", "Müller GmbH", "P-100", "Pumpe Ø 50",
     "3", "0,000", "ST", "100,00", "300,00", "EUR", "01.03.2025", "", "A", "02",
     "C"),
    ("4716", "10", "13.01.2025", "100300", "Schmidt AG", "G-10", "Getriebe",
     "12", "12", "ST", "200,00", "2.400,00", "EUR", "03.02.2025", "", "A", "", "C"),
    ("4717", "10", "14.02.2025", "100600", "Krause Technik", "D-5", "Dichtung",
     "2", "2", "ST", "75,50", "151,00", "EUR", "", "", "A", "", "A"),
    ("4718", "10", "15.01.2025", "100600", "Krause Technik", "D-6", "Dichtsatz",
     "20", "20", "ST", "12,25", "245,00", "EUR", "03.03.2025", "", "A", "", "A"),
    ("4719", "10", "20.02.2025", "100700", "Vogel Anlagenbau", "P-100",
     "Pumpe Ø 50", "1", "1", "ST", "99,90", "99,90", "EUR", "25.03.2025", "Z1", "",
     "", "A"),
)
# fmt: on


def write_sap_va05(folder: Path) -> SampleExport:
    """A VA05 list saved as ';' CSV in cp1252 with German numbers and dates."""
    path = write_delimited(
        folder / "VA05_export.csv", VA05_HEADER, VA05_ROWS, ";", "cp1252"
    )
    return SampleExport(
        (path,), ("--settings", str(write_settings(folder, reporting_currency="EUR")))
    )


# SAP schedule lines: VBAK/VBAP/VBEP fields, tab-separated, German formats.
SCHEDULE_HEADER = (
    "VBELN", "POSNR", "ETENR", "AUDAT", "VDATU", "KUNNR", "NAME1", "MATNR",
    "ARKTX", "WERKS", "KWMENG", "WMENG", "BMENG", "VRKME", "EDATU", "LFIMG",
    "NETPR", "WAERK", "LIFSK", "LIFSP", "CMGST", "ABGRU", "GBSTA",
)  # fmt: skip
# fmt: off
SCHEDULE_ROWS = (
    # Item 12345/10: 100 ordered, 70 delivered, three confirmed schedule lines.
    ("12345", "000010", "0001", "03.02.2025", "03.03.2025", "100200",
     "Müller GmbH", "P-100", "Pumpe Ø 50", "1000", "100", "100,000", "40,000",
     "ST", "03.03.2025", "70,000", "10,00", "EUR", "", "", "A", "", "B"),
    ("12345", "000010", "0002", "03.02.2025", "03.03.2025", "100200",
     "Müller GmbH", "P-100", "Pumpe Ø 50", "1000", "100", "0,000", "40,000",
     "ST", "17.03.2025", "70,000", "10,00", "EUR", "", "", "A", "", "B"),
    ("12345", "000010", "0003", "03.02.2025", "03.03.2025", "100200",
     "Müller GmbH", "P-100", "Pumpe Ø 50", "1000", "100", "0,000", "20,000",
     "ST", "07.04.2025", "70,000", "10,00", "EUR", "", "", "A", "", "B"),
    # Item 12345/20: the requested date could not be confirmed (BMENG 0).
    ("12345", "000020", "0001", "03.02.2025", "03.03.2025", "100200",
     "Müller GmbH", "P-500", "Pumpenaggregat", "1000", "10", "10,000", "0,000",
     "ST", "10.03.2025", "0,000", "1.250,00", "EUR", "", "", "A", "", "A"),
    ("12345", "000020", "0002", "03.02.2025", "03.03.2025", "100200",
     "Müller GmbH", "P-500", "Pumpenaggregat", "1000", "10", "0,000", "10,000",
     "ST", "24.03.2025", "0,000", "1.250,00", "EUR", "", "", "A", "", "A"),
    ("12346", "000010", "0001", "05.02.2025", "12.03.2025", "100400",
     "Nordwind KG", "P-300", "Pumpe Ø 80", "1000", "5", "5,000", "5,000", "ST",
     "12.03.2025", "0,000", "300,00", "EUR", "", "", "B", "", "A"),
    ("12347", "000010", "0001", "06.02.2025", "20.03.2025", "100500",
     "Lindner & Söhne", "P-100", "Pumpe Ø 50", "1000", "8", "8,000", "8,000",
     "ST", "20.03.2025", "0,000", "10,00", "EUR", "02", "", "A", "", "A"),
    ("12348", "000010", "0001", "07.02.2025", "05.03.2025", "100600",
     "Krause Technik", "D-5", "Dichtung", "1000", "6", "6,000", "6,000", "ST",
     "05.03.2025", "0,000", "75,00", "EUR", "", "", "A", "01", "C"),
    ("12348", "000020", "0001", "07.02.2025", "28.03.2025", "100600",
     "Krause Technik", "D-6", "Dichtsatz", "1000", "3", "3,000", "3,000", "ST",
     "28.03.2025", "0,000", "50,00", "EUR", "", "Z9", "A", "", "A"),
    ("12349", "000010", "0001", "08.01.2025", "03.02.2025", "100300",
     "Schmidt AG", "G-10", "Getriebe", "1000", "4", "4,000", "4,000", "ST",
     "03.02.2025", "4,000", "200,00", "EUR", "", "", "A", "", "C"),
    ("12350", "000010", "0001", "10.02.2025", "10.03.2025", "100700",
     "Vogel Anlagenbau", "D-6", "Dichtsatz", "1000", "12", "12,000", "12,000",
     "ST", "10.03.2025", "0,000", "2,50", "EUR", "", "", "A", "", "A"),
)
# fmt: on


def write_sap_schedule_lines(folder: Path) -> SampleExport:
    """An SE16H / SQVI result saved as 'Text with tabs' (cp1252)."""
    path = write_delimited(
        folder / "vbep_open.txt", SCHEDULE_HEADER, SCHEDULE_ROWS, "\t", "cp1252"
    )
    return SampleExport(
        (path,), ("--settings", str(write_settings(folder, reporting_currency="EUR")))
    )


# Oracle EBS: order headers (OE_ORDER_HEADERS_V) and lines (OE_ORDER_LINES_ALL).
ORACLE_HEADERS_HEADER = (
    "HEADER_ID", "ORDER_NUMBER", "ORDERED_DATE", "FLOW_STATUS_CODE",
    "TRANSACTIONAL_CURR_CODE", "SOLD_TO_ORG_ID", "SOLD_TO", "HOLD_NAME",
)  # fmt: skip
# fmt: off
ORACLE_HEADERS_ROWS = (
    ("1001", "66001", "03-FEB-2025 09:15:00", "BOOKED", "USD", "5001", "Acme Corp",
     ""),
    ("1002", "66002", "10-FEB-2025 14:00:00", "BOOKED", "EUR", "5002",
     "Bergmann AG", ""),
    ("1003", "66003", "12-FEB-2025 08:05:00", "BOOKED", "USD", "5003",
     "Cobalt Ltd", "Credit Check Failure"),
    ("1004", "66004", "20-FEB-2025 11:45:00", "ENTERED", "USD", "5001",
     "Acme Corp", ""),
    ("1005", "66005", "01-FEB-2025 16:20:00", "CANCELLED", "USD", "5004",
     "Delta Inc", ""),
    ("1006", "66006", "15-JAN-2025 10:00:00", "CLOSED", "USD", "5001",
     "Acme Corp", ""),
)
ORACLE_LINES_HEADER = (
    "HEADER_ID", "LINE_ID", "LINE_NUMBER", "SHIPMENT_NUMBER", "ORDERED_ITEM",
    "ORDERED_QUANTITY", "SHIPPED_QUANTITY", "FULFILLED_QUANTITY",
    "ORDER_QUANTITY_UOM", "UNIT_SELLING_PRICE", "REQUEST_DATE",
    "SCHEDULE_SHIP_DATE", "PROMISE_DATE", "FLOW_STATUS_CODE", "HOLD_NAME",
)
ORACLE_LINES_ROWS = (
    # Line 1 was split at ship confirm: 1.1 shipped and closed, 1.2 the rest.
    ("1001", "201", "1", "1", "AS54888", "6", "6", "6", "Ea", "120.00",
     "20-FEB-2025", "25-FEB-2025", "", "CLOSED", ""),
    ("1001", "202", "1", "2", "AS54888", "4", "", "", "Ea", "120.00",
     "20-FEB-2025", "18-MAR-2025", "", "AWAITING_SHIPPING", ""),
    ("1001", "203", "2", "1", "CM13139", "10", "", "", "Ea", "35.50",
     "01-MAR-2025", "", "28-MAR-2025", "BOOKED", ""),
    ("1001", "204", "3", "1", "AS54888", "2", "", "", "Ea", "120.00", "", "", "",
     "AWAITING_SHIPPING", "Export Compliance Hold"),
    ("1002", "205", "1", "1", "AS54999", "3", "", "", "Ea", "1000.00",
     "05-MAR-2025", "07-MAR-2025", "", "AWAITING_SHIPPING", ""),
    ("1002", "206", "2", "1", "SRV-INSTALL", "1", "", "", "Ea", "500.00",
     "21-MAR-2025", "21-APR-2025", "", "AWAITING_FULFILLMENT", ""),
    ("1003", "207", "1", "1", "CM13139", "20", "", "", "Ea", "35.50",
     "10-MAR-2025", "14-MAR-2025", "", "AWAITING_SHIPPING", ""),
    ("1004", "208", "1", "1", "AS54888", "5", "", "", "Ea", "118.00",
     "15-APR-2025", "", "", "ENTERED", ""),
    ("1005", "209", "1", "1", "AS54888", "0", "", "", "Ea", "120.00",
     "10-MAR-2025", "", "", "CANCELLED", ""),
    ("1006", "210", "1", "1", "CM13139", "8", "8", "8", "Ea", "35.50",
     "20-JAN-2025", "22-JAN-2025", "", "CLOSED", ""),
)
# fmt: on


def write_oracle_om(folder: Path) -> SampleExport:
    """Two SQL exports as ',' CSV with DD-MON-YYYY dates, plus EUR rates."""
    headers = write_delimited(
        folder / "oe_order_headers.csv",
        ORACLE_HEADERS_HEADER,
        ORACLE_HEADERS_ROWS,
        ",",
        "utf-8",
    )
    lines = write_delimited(
        folder / "oe_order_lines.csv",
        ORACLE_LINES_HEADER,
        ORACLE_LINES_ROWS,
        ",",
        "utf-8",
    )
    return SampleExport((lines, headers), ("--rates", str(write_rates(folder))))


# Business Central: Open in Excel from the Sales Lines page and the Sales Orders
# list. Dates and numbers are typed cells, as Excel stores them.
BC_ORDERS_HEADER = (
    "No.", "Sell-to Customer No.", "Sell-to Customer Name", "Order Date", "Status",
    "Currency Code", "Salesperson Code", "On Hold",
)  # fmt: skip
BC_ORDERS_ROWS: tuple[tuple[object, ...], ...] = (
    ("S-ORD101001", "10000", "The Cannon Group PLC", date(2025, 2, 3), "Released",
     "", "JO", ""),
    ("S-ORD101002", "20000", "Selangorian Ltd.", date(2025, 2, 10), "Open", "",
     "PS", ""),
    ("S-ORD101003", "30000", "John Haddock Insurance Co.", date(2025, 2, 12),
     "Pending Prepayment", "", "JO", ""),
    ("S-ORD101005", "50000", "Guildford Water Department", date(2025, 2, 20),
     "Released", "", "JO", "CRD"),
)  # fmt: skip
BC_LINES_HEADER = (
    "Document Type", "Document No.", "Line No.", "Sell-to Customer No.", "Type",
    "No.", "Description", "Location Code", "Quantity", "Unit of Measure Code",
    "Outstanding Quantity", "Quantity Shipped", "Unit Price Excl. VAT",
    "Line Discount %", "Line Amount Excl. VAT", "Shipment Date",
    "Requested Delivery Date", "Promised Delivery Date",
)  # fmt: skip
BC_LINES_ROWS: tuple[tuple[object, ...], ...] = (
    ("Order", "S-ORD101001", 10000, "10000", "Item", "1896-S", "ATHENS Desk",
     "BLUE", 10, "PCS", 6, 4, 1000.8, 0, 10008, date(2025, 3, 5),
     date(2025, 3, 10), date(2025, 3, 20)),
    ("Order", "S-ORD101001", 20000, "10000", "Item", "1900-S",
     "PARIS Guest Chair, black", "BLUE", 8, "PCS", 8, 0, 192.8, 10, 1388.16,
     date(2025, 3, 26), None, None),
    ("Order", "S-ORD101001", 30000, "10000", "G/L Account", "6610",
     "Freight charge", "", 1, "", 1, 0, 45, 0, 45, date(2025, 3, 5), None, None),
    ("Order", "S-ORD101001", 40000, "10000", "Item", "1906-S",
     "ATHENS Mobile Pedestal", "BLUE", 3, "PCS", 0, 3, 281.4, 0, 844.2,
     date(2025, 2, 24), None, None),
    ("Order", "S-ORD101001", 50000, "10000", "", "", "Deliver to gate 4", "", 0, "",
     0, 0, None, 0, 0, date(2025, 3, 5), None, None),
    ("Order", "S-ORD101002", 10000, "20000", "Item", "1896-S", "ATHENS Desk",
     "BLUE", 2, "PCS", 2, 0, 1000.8, 0, 2001.6, date(2025, 3, 18), None, None),
    ("Order", "S-ORD101003", 10000, "30000", "Item", "1920-S",
     "ANTWERP Conference Table", "BLUE", 1, "PCS", 1, 0, 649.4, 0, 649.4,
     date(2025, 3, 12), None, None),
    ("Order", "S-ORD101005", 10000, "50000", "Item", "1908-S",
     "LONDON Swivel Chair, blue", "BLUE", 5, "PCS", 5, 0, 123.3, 0, 616.5,
     date(2025, 4, 15), None, None),
)  # fmt: skip


def write_workbook(
    path: Path, sheet: str, header: Row, rows: Sequence[Sequence[object]]
) -> Path:
    """Write a one-sheet workbook: text, numbers and dates as typed cells."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "mm/dd/yyyy"})
    worksheet.write_row(0, 0, header)
    for row_index, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if isinstance(cell, date):
                worksheet.write_datetime(row_index, column, cell, date_format)
            elif isinstance(cell, int | float):
                worksheet.write_number(row_index, column, cell)
            elif cell:
                worksheet.write_string(row_index, column, str(cell))
    workbook.close()
    return path


def write_dynamics_bc(folder: Path) -> SampleExport:
    """Two Open in Excel workbooks: Sales Lines and Sales Orders."""
    lines = write_workbook(
        folder / "Sales Lines.xlsx", "Sales Lines", BC_LINES_HEADER, BC_LINES_ROWS
    )
    orders = write_workbook(
        folder / "Sales Orders.xlsx", "Sales Orders", BC_ORDERS_HEADER, BC_ORDERS_ROWS
    )
    return SampleExport((lines, orders))


# ERPNext: Sales Order and Sales Order Item with field names as headers.
ERPNEXT_ORDERS_HEADER = (
    "name", "customer", "customer_name", "transaction_date", "status", "currency",
)  # fmt: skip
# fmt: off
ERPNEXT_ORDERS_ROWS = (
    ("SAL-ORD-2025-00011", "CUST-0001", "Grant Plastics Ltd.", "2025-02-03",
     "To Deliver and Bill", "USD"),
    ("SAL-ORD-2025-00012", "CUST-0002", "West View Software Ltd.", "2025-02-10",
     "To Deliver", "USD"),
    ("SAL-ORD-2025-00013", "CUST-0003", "Palmer Productions Ltd.", "2025-02-11",
     "On Hold", "USD"),
    ("SAL-ORD-2025-00014", "CUST-0001", "Grant Plastics Ltd.", "2025-03-01",
     "Draft", "USD"),
    ("SAL-ORD-2025-00015", "CUST-0004", "Nexus Corp", "2025-01-20", "Completed",
     "USD"),
    ("SAL-ORD-2025-00016", "CUST-0002", "West View Software Ltd.", "2025-01-25",
     "Cancelled", "USD"),
    ("SAL-ORD-2025-00017", "CUST-0003", "Palmer Productions Ltd.", "2025-02-01",
     "Closed", "USD"),
    ("SAL-ORD-2025-00018", "CUST-0004", "Nexus Corp", "2025-02-15", "To Bill",
     "USD"),
)
ERPNEXT_ITEMS_HEADER = (
    "parent", "idx", "item_code", "item_name", "item_group", "warehouse", "qty",
    "delivered_qty", "uom", "rate", "amount", "delivery_date",
)
ERPNEXT_ITEMS_ROWS = (
    ("SAL-ORD-2025-00011", "1", "SKU-001", "Wooden Chair", "Products",
     "Stores - GP", "10", "4", "Nos", "55.0", "550.0", "2025-03-20"),
    ("SAL-ORD-2025-00011", "2", "SKU-002", "Table", "Products", "Stores - GP",
     "2", "0", "Nos", "240.0", "480.0", "2025-04-10"),
    ("SAL-ORD-2025-00011", "3", "SKU-003", "Lamp", "Products", "Stores - GP",
     "5", "5", "Nos", "20.0", "100.0", "2025-03-01"),
    ("SAL-ORD-2025-00012", "1", "SKU-001", "Wooden Chair", "Products",
     "Stores - GP", "12", "0", "Nos", "55.0", "660.0", "2025-03-10"),
    ("SAL-ORD-2025-00012", "2", "SKU-005", "Desk", "Products", "Stores - GP", "4",
     "0", "Nos", "1250.0", "5000.0", "2025-03-27"),
    ("SAL-ORD-2025-00013", "1", "SKU-002", "Table", "Products", "Stores - GP",
     "3", "0", "Nos", "240.0", "720.0", "2025-03-25"),
    ("SAL-ORD-2025-00014", "1", "SKU-004", "Bookshelf", "Products",
     "Stores - GP", "2", "0", "Nos", "310.5", "621.0", ""),
    ("SAL-ORD-2025-00015", "1", "SKU-001", "Wooden Chair", "Products",
     "Stores - GP", "4", "4", "Nos", "55.0", "220.0", "2025-02-10"),
    ("SAL-ORD-2025-00016", "1", "SKU-003", "Lamp", "Products", "Stores - GP",
     "6", "0", "Nos", "20.0", "120.0", "2025-02-20"),
    ("SAL-ORD-2025-00017", "1", "SKU-002", "Table", "Products", "Stores - GP",
     "5", "2", "Nos", "240.0", "1200.0", "2025-02-25"),
    ("SAL-ORD-2025-00018", "1", "SKU-003", "Lamp", "Products", "Stores - GP",
     "7", "7", "Nos", "20.0", "140.0", "2025-02-28"),
)
# fmt: on


def write_erpnext(folder: Path) -> SampleExport:
    """Sales Order Item rows and their Sales Orders as ',' CSV, ISO dates."""
    items = write_delimited(
        folder / "sales_order_item.csv",
        ERPNEXT_ITEMS_HEADER,
        ERPNEXT_ITEMS_ROWS,
        ",",
        "utf-8",
    )
    orders = write_delimited(
        folder / "sales_order.csv",
        ERPNEXT_ORDERS_HEADER,
        ERPNEXT_ORDERS_ROWS,
        ",",
        "utf-8",
    )
    return SampleExport((items, orders))


# Odoo: import-compatible export of sale.order.line; datetimes in UTC.
ODOO_HEADER = (
    "id", "order_id", "order_id/partner_id", "order_id/user_id",
    "order_id/date_order", "order_id/commitment_date", "order_id/expected_date",
    "state", "product_id", "name", "product_uom_qty", "qty_delivered",
    "product_uom", "price_unit", "discount", "price_subtotal", "currency_id",
)  # fmt: skip
# fmt: off
ODOO_ROWS = (
    ("__export__.sale_order_line_101_5f3a", "S00021", "Azure Interior",
     "Mitchell Admin", "2025-02-20 09:30:00", "2025-03-19 16:00:00",
     "2025-03-12 16:00:00", "sale", "[FURN_0096] Customizable Desk",
     "Customizable Desk", "4.0", "1.0", "Units", "750.0", "10.0", "2700.0", "USD"),
    ("__export__.sale_order_line_102_8c21", "S00021", "Azure Interior",
     "Mitchell Admin", "2025-02-20 09:30:00", "2025-03-19 16:00:00",
     "2025-03-12 16:00:00", "sale", "[FURN_8888] Office Lamp", "Office Lamp",
     "10.0", "0.0", "Units", "40.0", "0.0", "400.0", "USD"),
    ("__export__.sale_order_line_103_a7d0", "S00022", "Deco Addict",
     "Marc Demo", "2025-03-01 10:00:00", "", "2025-03-27 08:00:00", "sale",
     "[E-COM11] Cabinet with Doors", "Cabinet with Doors", "2.0", "0.0", "Units",
     "140.0", "0.0", "280.0", "USD"),
    ("__export__.sale_order_line_104_11be", "S00022", "Deco Addict",
     "Marc Demo", "2025-03-01 10:00:00", "", "2025-03-27 08:00:00", "sale",
     "[E-COM12] Conference Chair", "Conference Chair", "6.0", "6.0", "Units",
     "33.0", "0.0", "198.0", "USD"),
    ("__export__.sale_order_line_105_9e44", "S00023", "Gemini Furniture",
     "Mitchell Admin", "2025-03-03 12:00:00", "", "2025-03-21 08:00:00", "sent",
     "[FURN_7800] Desk Combination", "Desk Combination", "1.0", "0.0", "Units",
     "450.0", "5.0", "427.5", "USD"),
    ("__export__.sale_order_line_106_c3f9", "S00024", "Lumber Inc",
     "Marc Demo", "2025-03-10 15:00:00", "", "", "draft",
     "[FURN_0269] Office Chair Black", "Office Chair Black", "3.0", "0.0",
     "Units", "120.5", "0.0", "361.5", "USD"),
    ("__export__.sale_order_line_107_2b7c", "S00025", "Ready Mat",
     "Mitchell Admin", "2025-02-02 09:00:00", "", "2025-02-20 08:00:00",
     "cancel", "[FURN_6666] Acoustic Bloc Screens", "Acoustic Bloc Screens",
     "5.0", "0.0", "Units", "295.0", "0.0", "1475.0", "USD"),
    ("__export__.sale_order_line_108_d58e", "S00026", "Wood Corner",
     "Marc Demo", "2025-02-05 09:00:00", "2025-03-05 10:00:00",
     "2025-03-01 08:00:00", "done", "[FURN_0096] Customizable Desk",
     "Customizable Desk", "2.0", "1.0", "Units", "750.0", "0.0", "1500.0", "USD"),
    ("__export__.sale_order_line_109_f0a2", "S00027", "Azure Interior",
     "Mitchell Admin", "2025-03-11 14:00:00", "", "", "sale",
     "[FURN_8888] Office Lamp", "Office Lamp", "5.0", "0.0", "Units", "40.0",
     "0.0", "200.0", "USD"),
    # 23:30 UTC on 31 March is already 1 April in Berlin.
    ("__export__.sale_order_line_110_7b19", "S00028", "Wood Corner",
     "Marc Demo", "2025-03-12 09:00:00", "2025-03-31 23:30:00",
     "2025-03-31 23:30:00", "sale", "[FURN_8888] Office Lamp", "Office Lamp",
     "1.0", "0.0", "Units", "100.0", "0.0", "100.0", "USD"),
)
# fmt: on


def write_odoo(folder: Path) -> SampleExport:
    """One import-compatible export of order lines as ',' CSV; the company's
    business dates are Berlin dates."""
    path = write_delimited(
        folder / "sale.order.line.csv", ODOO_HEADER, ODOO_ROWS, ",", "utf-8"
    )
    settings = write_settings(folder, business_timezone="Europe/Berlin")
    return SampleExport((path,), ("--settings", str(settings)))


# NetSuite: a transaction saved search on sales orders, item lines only.
NETSUITE_HEADER = (
    "Document Number", "Line ID", "Date", "Name", "Sales Rep", "Item",
    "Description", "Quantity", "Quantity Fulfilled/Received", "Units", "Rate",
    "Amount", "Currency", "Expected Ship Date", "Status", "Closed",
)  # fmt: skip
# fmt: off
NETSUITE_ROWS = (
    ("SO1001", "1", "2/3/2025", "Acme Industrial", "Jane Ross", "WIDGET-A",
     "Widget A", "100", "40", "ea", "12.50", "1,250.00", "US Dollar",
     "3/20/2025", "Partially Fulfilled", "No"),
    ("SO1001", "2", "2/3/2025", "Acme Industrial", "Jane Ross", "WIDGET-B",
     "Widget B", "10", "10", "ea", "8.00", "80.00", "US Dollar", "2/28/2025",
     "Partially Fulfilled", "No"),
    ("SO1001", "3", "2/3/2025", "Acme Industrial", "Jane Ross", "GADGET-X",
     "Gadget X", "5", "0", "ea", "1,250.00", "6,250.00", "US Dollar", "4/15/2025",
     "Partially Fulfilled", "No"),
    ("SO1002", "1", "2/10/2025", "Baltic Trading", "Tom Lee", "WIDGET-A",
     "Widget A", "200", "0", "ea", "11.00", "2,420.00", "Euro", "3/7/2025",
     "Pending Fulfillment", "No"),
    ("SO1003", "1", "2/12/2025", "Coastal Supply", "Jane Ross", "WIDGET-B",
     "Widget B", "25", "0", "ea", "8.00", "200.00", "US Dollar", "3/25/2025",
     "Pending Approval", "No"),
    ("SO1004", "1", "2/14/2025", "Delta Marine", "Tom Lee", "WIDGET-A",
     "Widget A", "30", "0", "ea", "12.00", "360.00", "US Dollar", "",
     "Pending Fulfillment", "Yes"),
    ("SO1004", "2", "2/14/2025", "Delta Marine", "Tom Lee", "GADGET-X",
     "Gadget X", "2", "0", "ea", "1,200.00", "2,400.00", "US Dollar", "",
     "Pending Fulfillment", "No"),
    ("SO1005", "1", "1/20/2025", "Acme Industrial", "Jane Ross", "WIDGET-A",
     "Widget A", "50", "50", "ea", "12.50", "625.00", "US Dollar", "2/10/2025",
     "Billed", "No"),
    ("SO1006", "1", "2/1/2025", "Coastal Supply", "Jane Ross", "WIDGET-B",
     "Widget B", "12", "0", "ea", "8.00", "96.00", "US Dollar", "3/1/2025",
     "Cancelled", "No"),
    ("SO1007", "1", "2/5/2025", "Baltic Trading", "Tom Lee", "GADGET-X",
     "Gadget X", "3", "3", "ea", "1,250.00", "3,750.00", "US Dollar", "3/3/2025",
     "Pending Billing", "No"),
    ("SO1008", "1", "1/15/2025", "Acme Industrial", "Jane Ross", "WIDGET-A",
     "Widget A", "40", "0", "ea", "12.50", "500.00", "US Dollar", "5/2/2025",
     "Closed", "No"),
)
# fmt: on


def write_netsuite(folder: Path) -> SampleExport:
    """A saved search exported as CSV, US formats, plus EUR rates."""
    path = write_delimited(
        folder / "SalesOrderLinesResults.csv",
        NETSUITE_HEADER,
        NETSUITE_ROWS,
        ",",
        "utf-8",
    )
    return SampleExport((path,), ("--rates", str(write_rates(folder))))
