"""The canonical order-line fields every export is mapped onto."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal["text", "date", "qty", "price", "amount", "status", "choice"]

STATUSES = ("released", "pending", "blocked", "shipped", "cancelled", "closed")
OPEN_STATUSES = ("released", "pending", "blocked")
LINE_TYPES = ("goods", "charge")
CONFIDENCES = ("high", "medium", "low")
BLOCK_REASONS = (
    "credit_hold",
    "payment",
    "dispute",
    "missing_drawing",
    "missing_information",
    "customer_confirmation",
    "capacity",
    "material",
    "quality",
    "delivery_block",
    "other",
)


@dataclass(frozen=True)
class Field:
    """One canonical field: its name, kind, whether an export must supply it."""

    name: str
    kind: FieldKind
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("order_id", "text", True, "Sales order number."),
    Field("line_id", "text", True, "Line (item) number within the order."),
    Field("schedule_id", "text", False, "Schedule line, where a line has several."),
    Field("customer_id", "text", False, "Customer number."),
    Field("customer_name", "text", False, "Customer name."),
    Field("item", "text", False, "Item / product code."),
    Field("item_name", "text", False, "Item description."),
    Field("product_group", "text", False, "Product group or product line."),
    Field("owner", "text", False, "Person who owns the line (account owner)."),
    Field("plant", "text", False, "Plant or warehouse."),
    Field("line_type", "choice", False, "goods or charge.", LINE_TYPES),
    Field("order_date", "date", False, "Date the order was entered."),
    Field("requested_date", "date", False, "Date the customer asked for."),
    Field("confirmed_date", "date", False, "Ship date confirmed by planning."),
    Field("estimated_date", "date", False, "Ship date estimated, not confirmed."),
    Field(
        "date_confidence",
        "choice",
        False,
        "Confidence of an estimated date: high, medium or low.",
        CONFIDENCES,
    ),
    Field("shipped_date", "date", False, "Date the line last shipped."),
    Field("last_movement_date", "date", False, "ERP's last planning change."),
    Field("ordered_qty", "qty", True, "Quantity ordered, in the line's unit."),
    Field("shipped_qty", "qty", False, "Quantity shipped so far (net of returns)."),
    Field("unit", "text", False, "Unit of measure of the line."),
    Field("unit_price", "price", False, "Net unit price before discount, ex tax."),
    Field("discount", "price", False, "Discount as a fraction (0.15 = 15 %)."),
    Field("line_amount", "amount", False, "Net amount of the ordered quantity."),
    Field("unit_cost", "price", False, "Unit cost, for margin."),
    Field(
        "tax_rate", "price", False, "Tax rate as a fraction, when prices include tax."
    ),
    Field("currency", "text", False, "ISO currency of price and amount."),
    Field("status", "status", True, "Line status after the value map.", STATUSES),
    Field("order_status", "status", False, "Order header status.", STATUSES),
    Field("block_reason", "choice", False, "Why a line is blocked.", BLOCK_REASONS),
    Field("comments", "text", False, "Free text from the ERP."),
    Field("agreement_id", "text", False, "Frame agreement a call-off belongs to."),
    Field("delay_reason", "text", False, "ERP reason code for a date change."),
)

FIELD_BY_NAME = {field.name: field for field in FIELDS}
