"""Slip and block reasons per month and the ones that recur (month-end review).

Eight imports, two a month from January to April 2024; every unit is worth
100. Each month's ranking is worked out by hand in the comments below.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from backlogdesk.metrics.reasons import (
    ReasonsReview,
    RecurringReason,
    reasons_review,
)
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from test_landing import dated_line, import_dated, store_path

IMPORTS = (
    "2024-01-08",
    "2024-01-22",
    "2024-02-05",
    "2024-02-19",
    "2024-03-04",
    "2024-03-18",
    "2024-04-01",
    "2024-04-15",
)
FIRST_DATE = "2024-06-03"
NONE = "(no reason given)"

# order: (quantity, {import index: (new confirmed date, delay reason)}).
# Slips by month (value = open value at the slip):
#   Jan: CAP 5000, MAT 4000, no reason 300, SUP 100
#   Feb: CAP 5000, QUA 2000, CUS 500 (one line, slipped twice), SUP 100
#   Mar: CAP 5000, CUS 500, no reason 300, SUP 100
#   Apr: MAT 2000, QUA 2000 (tie: by reason)
# In a top three: CAP 3 months; MAT, QUA, CUS, no reason 2 each; SUP never.
# L-CAP's freight charge follows its dates but is no slip of its own.
SLIPPING = {
    "L-CAP": (
        "50",
        {1: ("2024-06-10", "CAP"), 3: ("2024-06-17", "CAP"), 5: ("2024-06-24", "CAP")},
    ),
    "L-MAT": ("40", {1: ("2024-06-10", "MAT")}),
    "L-SUP": (
        "1",
        {1: ("2024-06-10", "SUP"), 3: ("2024-06-17", "SUP"), 5: ("2024-06-24", "SUP")},
    ),
    "L-NONE": ("3", {1: ("2024-06-10", ""), 4: ("2024-06-17", "")}),
    "L-QUA": ("20", {3: ("2024-06-10", "QUA"), 7: ("2024-06-17", "QUA")}),
    "L-CUS": (
        "5",
        {2: ("2024-06-10", "CUS"), 3: ("2024-06-17", "CUS"), 4: ("2024-06-24", "CUS")},
    ),
    "L-MAT2": ("20", {7: ("2024-06-10", "MAT")}),
}
# order: (quantity, {import index: block code while held ('' = no code)}).
# Blocked at each month's last import:
#   Jan (01-22): missing_drawing 1000 (B-CR is released on that day)
#   Feb, Mar: credit_hold 3000
#   Apr: credit_hold 3000 + 1000 (2 lines), no reason 200
HELD = {
    "B-CR": ("30", {0: "CR", 2: "CR", 3: "CR", 4: "CR", 5: "CR", 6: "CR", 7: "CR"}),
    "B-MD": ("10", {0: "MD", 1: "MD"}),
    "B-HOLD": ("2", {7: ""}),
    "B-CR2": ("10", {7: "CR"}),
}


def export_rows(index: int) -> list[dict[str, str]]:
    """The export of import ``index``, from the slip and hold plans above."""
    rows = []
    for order, (qty, moves) in SLIPPING.items():
        confirmed, reason = FIRST_DATE, ""
        for at in sorted(moves):
            if at <= index:
                confirmed, reason = moves[at]
        rows.append(
            dated_line(order, qty=qty, confirmed=confirmed, delay_reason=reason)
        )
    rows.append(dated_line("L-CAP", "20", item="FREIGHT", qty="1", price="50"))
    for order, (qty, holds) in HELD.items():
        held = {"status": "hold", "block": holds[index]} if index in holds else {}
        rows.append(dated_line(order, qty=qty, confirmed=FIRST_DATE, **held))
    return rows


@pytest.fixture(scope="module")
def reasons_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight imports over four months, slipping and blocking as planned."""
    folder = tmp_path_factory.mktemp("reasons")
    for index, day in enumerate(IMPORTS):
        import_dated(folder, day, export_rows(index))
    return store_path(folder)


def _review(path: Path, months: int = 4, recur_months: int = 3) -> ReasonsReview:
    with Store(path, read_only=True) as store:
        return reasons_review(
            store, date(2024, 4, 15), Settings.defaults(), months, recur_months
        )


def test_reasons_in_three_of_four_months_recur_and_one_offs_do_not(reasons_store):
    review = _review(reasons_store)

    assert review.months == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert review.recurring == [
        RecurringReason(
            "slip", "CAP", 3, Decimal(15000), ("2024-01", "2024-02", "2024-03")
        ),
        RecurringReason(
            "block",
            "credit_hold",
            3,
            Decimal(10000),
            ("2024-02", "2024-03", "2024-04"),
        ),
    ]
    assert review.process_changes == review.recurring


def test_a_reason_outside_the_top_three_never_recurs(reasons_store):
    review = _review(reasons_store, recur_months=2)

    reasons = [(r.kind, r.reason, r.months, r.total_value) for r in review.recurring]

    # SUP slipped in three months but ranked fourth each time.
    assert reasons == [
        ("slip", "CAP", 3, 15000),
        ("block", "credit_hold", 3, 10000),
        ("slip", "MAT", 2, 6000),
        ("slip", "QUA", 2, 4000),
        ("slip", "CUS", 2, 1000),
        ("slip", NONE, 2, 600),
    ]
    assert [(r.kind, r.reason) for r in review.process_changes] == [
        ("slip", "CAP"),
        ("block", "credit_hold"),
    ]


def test_the_month_tables_rank_by_value_then_reason(reasons_store):
    review = _review(reasons_store)

    assert review.month_key == "2024-04"
    assert review.slip_reasons.rows == [
        {"reason": "MAT", "lines": 1, "value": 2000},
        {"reason": "QUA", "lines": 1, "value": 2000},
    ]
    assert review.block_reasons.rows == [
        {"reason": "credit_hold", "lines": 2, "value": 4000},
        {"reason": NONE, "lines": 1, "value": 200},
    ]


def test_a_line_slipping_twice_in_a_month_counts_once(reasons_store):
    review = _review(reasons_store)

    february = [
        (row["rank"], row["reason"], row["lines"], row["value"])
        for row in review.top_by_month.rows
        if row["month"] == "2024-02" and row["kind"] == "slip"
    ]

    assert february == [(1, "CAP", 1, 5000), (2, "QUA", 1, 2000), (3, "CUS", 1, 500)]


def test_blocks_count_at_the_months_last_import_only(reasons_store):
    review = _review(reasons_store)

    january = [
        (row["reason"], row["lines"], row["value"])
        for row in review.top_by_month.rows
        if row["month"] == "2024-01" and row["kind"] == "block"
    ]

    # B-CR was held on 8 January but released by 22 January.
    assert january == [("missing_drawing", 1, 1000)]


def test_the_first_slips_of_the_window_compare_with_the_import_before_it(
    reasons_store,
):
    review = _review(reasons_store, months=2)

    march = [
        (row["reason"], row["value"])
        for row in review.top_by_month.rows
        if row["month"] == "2024-03" and row["kind"] == "slip"
    ]

    # 4 March's slips are measured against 19 February, before the window.
    assert review.months == ["2024-03", "2024-04"]
    assert march == [("CAP", 5000), ("CUS", 500), (NONE, 300)]
    assert review.recurring == []


def test_a_store_without_imports_in_the_window_gives_empty_tables(reasons_store):
    with Store(reasons_store, read_only=True) as store:
        review = reasons_review(store, date(2023, 12, 31), Settings.defaults())

    assert review.months[0] == "2023-07" and review.month_key == "2023-12"
    assert review.slip_reasons.rows == [] and review.block_reasons.rows == []
    assert review.recurring == [] and review.process_changes == []
