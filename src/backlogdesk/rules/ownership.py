"""Who owns a red line: the owning function by block reason, then a person.

Finance owns credit holds, disputes and payment blocks; Sales owns customer
confirmations, releases and call-offs, missing information or drawings and
date renegotiation; Operations / planning owns capacity, material and realistic
dates. An owners file names the people: account owners per customer, planners
per product group or plant, and a person per function (the credit controller).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis

from backlogdesk.errors import InputError

FUNCTIONS = ("finance", "sales", "operations")
FUNCTION_BY_REASON = {
    "credit_hold": "finance",
    "payment": "finance",
    "dispute": "finance",
    "customer_confirmation": "sales",
    "missing_information": "sales",
    "missing_drawing": "sales",
    "delivery_block": "sales",
    "capacity": "operations",
    "material": "operations",
    "quality": "operations",
    "other": "operations",
}
OWNER_KINDS = ("customer", "product_group", "plant", "function")


@dataclass
class Owners:
    """People by customer, product group, plant and function."""

    people: dict[str, dict[str, str]] = field(
        default_factory=lambda: {kind: {} for kind in OWNER_KINDS}
    )
    origin: str = "no owners file"


def load_owners(path: Path | None) -> Owners:
    """Read an owners CSV: kind (customer, product_group, plant, function), key,
    person. Customers are matched by customer number or name."""
    owners = Owners()
    if path is None:
        return owners
    owners.origin = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"kind", "key", "person"} - set(reader.fieldnames or [])
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(sorted(missing))}; expected "
                    "a header kind,key,person."
                )
            for row_number, row in enumerate(reader, start=2):
                _add(owners, row, path, row_number)
    except FileNotFoundError:
        raise InputError(f"{path}: owners file not found.") from None
    return owners


def _add(owners: Owners, row: dict[str, str], path: Path, row_number: int) -> None:
    kind = (row["kind"] or "").strip().lower()
    if kind not in OWNER_KINDS:
        raise InputError(
            f"{path}, row {row_number}: kind '{row['kind']}' is not one of "
            f"{', '.join(OWNER_KINDS)}."
        )
    key, person = (row["key"] or "").strip(), (row["person"] or "").strip()
    if kind == "function" and key.lower() not in FUNCTIONS:
        raise InputError(
            f"{path}, row {row_number}: function '{key}' is not one of "
            f"{', '.join(FUNCTIONS)}."
        )
    if not key or not person:
        raise InputError(f"{path}, row {row_number}: key and person must be filled.")
    owners.people[kind][key.lower() if kind == "function" else key] = person


def owning_function(t: Any) -> Any:
    """The function that owns each open line's next step."""
    by_reason = [
        (t.block_reason == reason, function)
        for reason, function in FUNCTION_BY_REASON.items()
    ]
    return ibis.cases(
        *[(cond & (t.status_class == "blocked"), fn) for cond, fn in by_reason],
        (t.status_class == "blocked", "operations"),
        (t.status_class == "pending", "sales"),
        else_="operations",
    )


def proposed_person(t: Any, function: Any, owners: Owners) -> Any:
    """A person for each line: by function, customer, product group or plant."""
    people = owners.people
    account = _lookup(t.customer_id, people["customer"]).coalesce(
        _lookup(t.customer_name, people["customer"]), t.owner
    )
    planner = _lookup(t.product_group, people["product_group"]).coalesce(
        _lookup(t.plant, people["plant"]),
        ibis.literal(people["function"].get("operations"), type="string"),
    )
    finance = ibis.literal(people["function"].get("finance"), type="string")
    sales = account.coalesce(ibis.literal(people["function"].get("sales"), "string"))
    return ibis.cases(
        (function == "finance", finance.coalesce(account)),
        (function == "sales", sales),
        else_=planner,
    )


def _lookup(column: Any, table: dict[str, str]) -> Any:
    if not table:
        return ibis.null("string")
    return ibis.cases(
        *[(column == key, person) for key, person in table.items()],
        else_=ibis.null("string"),
    )
