"""Budget: reading budget files, exact phasing, roll-up, allocation and variance.

Cases 24, 34, 36 and 38 from the field-case list keep their stated values; the
AdventureWorks quotas are checked against a plain csv + Decimal reading of the
same file. Expected numbers are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backlogdesk.budget import (
    Actual,
    Allocation,
    BudgetTarget,
    PhasingRule,
    achievement_pct,
    actuals_by_period,
    credit_allocations,
    members_under,
    parse_period_text,
    phase_amount,
    phase_target,
    phase_targets,
    read_budget,
    score_targets,
    split_exact,
    variance,
)
from backlogdesk.budget.mapping import load_budget_mapping
from backlogdesk.budget.targets import (
    month_period,
    quarter_period,
    week_period,
    year_period,
)
from backlogdesk.errors import InputError, MappingError

CENT = Decimal("0.01")
QUOTAS = "adventureworks-sales-quotas/Sales.SalesPersonQuotaHistory.csv"


def write_budget(
    tmp_path: Path, header: list[str], rows: list[list[str]], fields: str, rules=""
) -> tuple[Path, Path]:
    """A budget CSV and the budget mapping that reads it."""
    data = tmp_path / "budget.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    mapping = tmp_path / "budget.toml"
    mapping.write_text(
        f'name = "test-budget"\n\n[fields]\n{fields}\n\n[rules]\n{rules}\n',
        encoding="utf-8",
    )
    return data, mapping


def target(period, **measures) -> BudgetTarget:
    """A target for a whole period, without dimension unless given."""
    return BudgetTarget(period.kind, period.key, period.start, period.end, **measures)


def amounts(parts) -> dict[str, Decimal]:
    return {period.key: amount for period, amount in parts}


# Case 24: a period key always carries its year.


def test_case_24_june_target_counts_only_june_of_its_own_year(tmp_path: Path) -> None:
    data, mapping = write_budget(
        tmp_path,
        ["period", "amount"],
        [["2025-06", "100000"]],
        'period = "period"\nrevenue = "amount"',
    )
    budget = read_budget(data, mapping)
    invoiced = [
        Actual(date(2024, 6, 14), revenue=Decimal(80000)),
        Actual(date(2025, 6, 13), revenue=Decimal(60000)),
    ]

    (score,) = score_targets(budget.targets, invoiced, "revenue")

    assert score.target.period_key == "2025-06"
    assert score.actual == Decimal(60000)
    assert score.variance == Decimal(-40000)
    assert score.achievement_pct == Decimal(60)


def test_case_24_two_year_view_shows_each_june_once() -> None:
    invoiced = [
        Actual(date(2024, 6, 14), revenue=Decimal(80000)),
        Actual(date(2025, 6, 13), revenue=Decimal(60000)),
    ]

    by_month = actuals_by_period(invoiced, "month", "revenue")

    assert by_month == {
        ("2024-06", None): Decimal(80000),
        ("2025-06", None): Decimal(60000),
    }


@pytest.mark.parametrize("written", ["06", "6", "Jun", "June", "Q2", "W07"])
def test_case_24_period_without_year_is_rejected_naming_the_fix(
    tmp_path: Path, written: str
) -> None:
    data, mapping = write_budget(
        tmp_path,
        ["period", "amount"],
        [[written, "100000"], ["2025-07", "5"]],
        'period = "period"\nrevenue = "amount"',
    )

    budget = read_budget(data, mapping)

    (reject,) = budget.rejects
    assert (reject.row, reject.column, reject.problem) == (2, "period", "bad period")
    assert "has no year" in reject.reason and "2025-06" in reject.reason
    assert budget.read == len(budget.targets) + len(budget.rejects) == 2


def test_case_24_month_column_without_year_column_is_a_mapping_error(
    tmp_path: Path,
) -> None:
    data, mapping = write_budget(
        tmp_path,
        ["month", "amount"],
        [["6", "100000"]],
        'month = "month"\nrevenue = "amount"',
    )

    with pytest.raises(MappingError, match="no year"):
        read_budget(data, mapping)


def test_case_24_year_and_month_columns_keep_the_years_apart(tmp_path: Path) -> None:
    data, mapping = write_budget(
        tmp_path,
        ["year", "month", "amount"],
        [["2024", "6", "80000"], ["2025", "Jun", "100000"]],
        'year = "year"\nmonth = "month"\nrevenue = "amount"',
    )

    budget = read_budget(data, mapping)

    assert [(t.period_key, t.revenue) for t in budget.targets] == [
        ("2024-06", Decimal(80000)),
        ("2025-06", Decimal(100000)),
    ]


@pytest.mark.parametrize(
    ("written", "key", "start", "end"),
    [
        ("2025-06", "2025-06", date(2025, 6, 1), date(2025, 6, 30)),
        ("06/2025", "2025-06", date(2025, 6, 1), date(2025, 6, 30)),
        ("Jun 2025", "2025-06", date(2025, 6, 1), date(2025, 6, 30)),
        ("2025-Q2", "2025-Q2", date(2025, 4, 1), date(2025, 6, 30)),
        ("Q4 2024", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2025", "2025", date(2025, 1, 1), date(2025, 12, 31)),
        # ISO week 1 of 2025 starts on Monday 30 December 2024.
        ("2025-W01", "2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
        ("2026-W53", "2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
    ],
)
def test_period_texts_carry_their_year_and_days(
    written: str, key: str, start: date, end: date
) -> None:
    period = parse_period_text(written)

    assert period is not None
    assert (period.key, period.start, period.end) == (key, start, end)


def test_a_week_that_does_not_exist_is_rejected(tmp_path: Path) -> None:
    # 2025 has 52 ISO weeks: 28 December 2025 is a Sunday of week 52.
    data, mapping = write_budget(
        tmp_path,
        ["period", "amount"],
        [["2025-W53", "700"]],
        'period = "period"\nrevenue = "amount"',
    )

    (reject,) = read_budget(data, mapping).rejects

    assert "week 53 does not exist in 2025" in reject.reason


# Case 34: a shared order credits each sales person with their share only.


def test_case_34_shared_order_credits_each_person_half() -> None:
    year = year_period(2025)
    quota_x = BudgetTarget(
        "year", "2025", year.start, year.end, "sales_person", "X", units=Decimal(50)
    )
    order = Actual(date(2025, 3, 4), units=Decimal(20), order_id="SO-1")
    team = [
        Allocation("SO-1", "X", Decimal(50)),
        Allocation("SO-1", "Y", Decimal(50)),
    ]

    credited = credit_allocations([order], team)
    (score,) = score_targets([quota_x], credited, "units")

    assert score.actual == Decimal(10)
    assert score.variance == Decimal(-40)
    by_person = actuals_by_period(credited, "year", "units", "sales_person")
    assert by_person == {("2025", "X"): Decimal(10), ("2025", "Y"): Decimal(10)}
    assert sum(by_person.values()) == Decimal(20)


@pytest.mark.parametrize(
    "shares",
    [
        [("X", "50"), ("Y", "40")],
        [("X", "60"), ("Y", "50")],
        [("X", "100"), ("X", "0")],
    ],
)
def test_case_34_allocations_must_add_to_100_percent(shares) -> None:
    order = Actual(date(2025, 3, 4), units=Decimal(20), order_id="SO-1")
    team = [Allocation("SO-1", person, Decimal(pct)) for person, pct in shares]

    with pytest.raises(InputError, match=r"SO-1.*100 %"):
        credit_allocations([order], team)


def test_orders_without_allocation_keep_their_own_sales_person() -> None:
    order = Actual(
        date(2025, 3, 4), units=Decimal(7), order_id="SO-2", sales_person="Z"
    )

    credited = credit_allocations([order], [Allocation("SO-1", "X", Decimal(100))])

    assert credited == [order]


# Case 36: variance = actual - target, negative = shortfall, in every view.


def test_case_36_variance_is_actual_minus_target_per_customer() -> None:
    year = year_period(2025)
    targets = [
        BudgetTarget(
            "year",
            "2025",
            year.start,
            year.end,
            "customer",
            name,
            revenue=Decimal(1000),
        )
        for name in ("Customer A", "Customer B")
    ]
    actuals = [
        Actual(date(2025, 2, 1), revenue=Decimal(800), customer="Customer A"),
        Actual(date(2025, 2, 1), revenue=Decimal(1200), customer="Customer B"),
    ]

    scores = score_targets(targets, actuals, "revenue")

    assert [(s.target.member, s.variance) for s in scores] == [
        ("Customer A", Decimal(-200)),
        ("Customer B", Decimal(200)),
    ]
    assert variance(Decimal(800), Decimal(1000)) == Decimal(-200)
    assert achievement_pct(Decimal(1200), Decimal(1000)) == Decimal(120)


def test_case_36_months_without_sales_show_minus_their_target() -> None:
    # 1200 over 2025 is 100 a month; only February sells (800 for Customer A).
    year = year_period(2025)
    annual = BudgetTarget(
        "year",
        "2025",
        year.start,
        year.end,
        "customer",
        "Customer A",
        revenue=Decimal(1200),
    )
    actuals = [Actual(date(2025, 2, 1), revenue=Decimal(800), customer="Customer A")]

    monthly = score_targets(phase_target(annual, "month"), actuals, "revenue")

    assert monthly[0].variance == Decimal(-100)
    assert monthly[1].variance == Decimal(700)
    assert monthly[11].variance == Decimal(-100)
    assert sum(s.variance for s in monthly) == Decimal(800 - 1200)


# Case 38: split budget parts add back to the approved figure exactly.


def test_case_38_a_annual_revenue_split_to_months_adds_to_the_annual_figure() -> None:
    annual = target(year_period(2025), revenue=Decimal("100000.00"))

    months = phase_target(annual, "month")

    # 25000.00 a quarter; each quarter's last month takes the third cent.
    assert [m.revenue for m in months] == [
        Decimal("8333.33"),
        Decimal("8333.33"),
        Decimal("8333.34"),
    ] * 4
    assert sum(m.revenue for m in months) == Decimal("100000.00")


def test_case_38_b_units_split_to_quarters_in_whole_units() -> None:
    annual = target(year_period(2025), units=Decimal(25))

    quarters = phase_target(annual, "quarter")

    assert [q.units for q in quarters] == [6, 6, 6, 7]
    assert [q.period_key for q in quarters] == [f"2025-Q{n}" for n in range(1, 5)]


def test_case_38_c_march_spread_to_iso_weeks_by_calendar_days() -> None:
    march = month_period(2024, 3)

    weeks = phase_amount(Decimal(3100), march, "week", PhasingRule.even())

    assert amounts(weeks) == {
        "2024-W09": Decimal(300),
        "2024-W10": Decimal(700),
        "2024-W11": Decimal(700),
        "2024-W12": Decimal(700),
        "2024-W13": Decimal(700),
    }


def test_quarters_of_a_monthly_split_equal_the_quarterly_split() -> None:
    annual = target(year_period(2025), revenue=Decimal("100000.01"), units=Decimal(29))
    months = phase_target(annual, "month")
    quarters = phase_target(annual, "quarter")

    summed: dict[str, Decimal] = defaultdict(Decimal)
    for month in months:
        summed[f"2025-Q{(month.start.month - 1) // 3 + 1}"] += month.units or 0

    assert summed == {q.period_key: q.units for q in quarters}


def test_working_days_rule_skips_weekends_and_holidays() -> None:
    # Q2 2024: April 22 working days less Easter Monday 1 April = 21,
    # May 23, June 20: 64 in all, so 6400 gives 100 a working day.
    rule = PhasingRule.working_days([date(2024, 4, 1)])

    months = phase_amount(Decimal(6400), quarter_period(2024, 2), "month", rule)

    assert amounts(months) == {
        "2024-04": Decimal(2100),
        "2024-05": Decimal(2300),
        "2024-06": Decimal(2000),
    }


def test_phasing_table_weighs_months_by_their_share() -> None:
    shares = {month: Decimal(1) for month in range(1, 13)} | {12: Decimal(2)}
    rule = PhasingRule.table(shares)

    months = phase_amount(Decimal(1300), year_period(2025), "month", rule)
    quarter = phase_amount(Decimal(400), quarter_period(2025, 4), "month", rule)

    assert list(amounts(months).values()) == [Decimal(100)] * 11 + [Decimal(200)]
    assert amounts(quarter) == {
        "2025-10": Decimal(100),
        "2025-11": Decimal(100),
        "2025-12": Decimal(200),
    }


def test_a_week_target_that_cuts_two_months_is_split_by_days() -> None:
    # 2025-W01 runs Monday 30 December 2024 to Sunday 5 January 2025: 2 + 5 days.
    weeks = phase_amount(Decimal(700), week_period(2025, 1), "month", PhasingRule())

    assert amounts(weeks) == {"2024-12": Decimal(200), "2025-01": Decimal(500)}


def test_budgets_of_two_months_meet_in_the_week_that_spans_them() -> None:
    # December 2024 and January 2025 at 3100 each are 100 a day; 2025-W01
    # holds 30-31 December and 1-5 January: 200 + 500.
    months = [
        target(month_period(2024, 12), revenue=Decimal(3100)),
        target(month_period(2025, 1), revenue=Decimal(3100)),
    ]

    weeks = {t.period_key: t for t in phase_targets(months, "week")}

    assert weeks["2025-W01"].revenue == Decimal(700)
    assert sum(t.revenue or 0 for t in weeks.values()) == Decimal(6200)


# Roll-up: a group target counts the actuals of its sub-groups.


def test_group_target_counts_the_actuals_of_its_sub_groups() -> None:
    parents = {
        "Pumps/Small": "Pumps",
        "Pumps/Large": "Pumps",
        "Pumps/Tiny": "Pumps/Small",
    }
    year = year_period(2025)
    pumps = BudgetTarget(
        "year",
        "2025",
        year.start,
        year.end,
        "product_group",
        "Pumps",
        revenue=Decimal(500),
    )
    actuals = [
        Actual(date(2025, 1, 9), revenue=Decimal(30), product_group="Pumps/Small"),
        Actual(date(2025, 2, 9), revenue=Decimal(50), product_group="Pumps/Large"),
        Actual(date(2025, 3, 9), revenue=Decimal(7), product_group="Pumps/Tiny"),
        Actual(date(2025, 4, 9), revenue=Decimal(99), product_group="Valves"),
    ]

    (score,) = score_targets([pumps], actuals, "revenue", parents)

    assert score.actual == Decimal(87)
    assert score.variance == Decimal(87 - 500)


def test_a_looping_group_hierarchy_is_refused() -> None:
    with pytest.raises(InputError, match="loops"):
        members_under("A", {"A": "B", "B": "A"})


# Reading budget files: every row is accepted or rejected with its fix.


def test_budget_rows_are_accepted_or_rejected_with_file_row_and_column(
    tmp_path: Path,
) -> None:
    data, mapping = write_budget(
        tmp_path,
        ["period", "group", "revenue", "units", "margin %"],
        [
            ["2025-01", "Pumps", "1000.00", "10", "38%"],
            ["2025-02", "Pumps", "12,5", "10", "38"],
            ["2025-03", "", "1000", "10", "38"],
            ["2025-04", "Pumps", "1000.001", "10", "38"],
            ["2025-05", "Pumps", "1000", "10.5", "38"],
            ["2025-Q1", "Pumps", "1000", "", ""],
            ["2025-06", "Pumps", "", "", ""],
            ["2025-07", "Pumps", "1000", "10", "380"],
        ],
        'period = "period"\nproduct_group = "group"\nrevenue = "revenue"\n'
        'units = "units"\nmargin_pct = "margin %"',
    )

    budget = read_budget(data, mapping)

    assert [(t.period_key, t.member, t.margin_pct) for t in budget.targets] == [
        ("2025-01", "Pumps", Decimal(38)),
    ]
    problems = [(r.row, r.column, r.problem) for r in budget.rejects]
    assert problems == [
        (3, "revenue", "bad number"),
        (4, "group", "missing member"),
        (5, "revenue", "bad number"),
        (6, "units", "bad number"),
        (8, "", "no target"),
        (9, "margin %", "bad number"),
        (7, "", "overlapping target"),
    ]
    assert "2025-01 target in budget.csv, row 2" in budget.rejects[-1].reason
    (count,) = budget.counts
    assert (count.read, count.accepted, count.rejected) == (8, 1, 7)


def test_budget_workbook_reads_margin_fractions_and_dates(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Month", "Region", "Revenue", "Margin %"])
    sheet.append([datetime(2025, 6, 1), "North", 1200.5, 0.375])
    sheet.append([datetime(2025, 7, 1), "North", 800, 0.4])
    data = tmp_path / "budget.xlsx"
    book.save(data)
    mapping = tmp_path / "budget.toml"
    mapping.write_text(
        '[fields]\nperiod = "Month"\nregion = "Region"\nrevenue = "Revenue"\n'
        'margin_pct = "Margin %"\n\n[rules]\nperiod_kind = "month"\n'
        'margin_pct_scale = "fraction"\n',
        encoding="utf-8",
    )

    budget = read_budget(data, mapping)

    assert [
        (t.period_key, t.dimension, t.member, t.revenue, t.margin_pct)
        for t in budget.targets
    ] == [
        ("2025-06", "region", "North", Decimal("1200.50"), Decimal("37.5")),
        ("2025-07", "region", "North", Decimal(800), Decimal(40)),
    ]


def test_dates_in_the_period_column_need_a_period_kind(tmp_path: Path) -> None:
    data, mapping = write_budget(
        tmp_path,
        ["date", "amount"],
        [["2025-06-01", "5"]],
        'period = "date"\nrevenue = "amount"',
    )

    with pytest.raises(MappingError, match="period_kind"):
        read_budget(data, mapping)


def test_budget_mapping_allows_one_dimension_only(tmp_path: Path) -> None:
    data, mapping = write_budget(
        tmp_path,
        ["period", "g", "r", "amount"],
        [["2025", "a", "b", "5"]],
        'period = "period"\nproduct_group = "g"\nregion = "r"\nrevenue = "amount"',
    )

    with pytest.raises(MappingError, match="one dimension"):
        read_budget(data, mapping)


# AdventureWorks quotas, read with the shipped budget mapping.


def _quota_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_adventureworks_quotas_read_every_row(shared_data: Path) -> None:
    path = shared_data / QUOTAS
    rows = _quota_rows(path)

    budget = read_budget(path, "budget-adventureworks")

    assert len(rows) == 163
    assert budget.read == len(budget.targets) == 163
    assert budget.rejects == []
    total = sum((Decimal(row["SalesQuota"]) for row in rows), Decimal(0))
    assert sum(t.revenue or 0 for t in budget.targets) == total
    assert load_budget_mapping("budget-adventureworks").currency == "USD"


def test_adventureworks_quota_dates_mark_their_quarter(shared_data: Path) -> None:
    path = shared_data / QUOTAS
    expected = [
        (
            f"{row['QuotaDate'][:4]}-Q{(int(row['QuotaDate'][5:7]) - 1) // 3 + 1}",
            Decimal(row["SalesQuota"]),
        )
        for row in _quota_rows(path)
        if row["BusinessEntityID"] == "274"
    ]

    budget = read_budget(path, "budget-adventureworks")

    person = [
        (t.period_key, t.revenue)
        for t in budget.targets
        if (t.dimension, t.member) == ("sales_person", "274")
    ]
    assert person == expected
    assert person[0] == ("2022-Q2", Decimal(28000))
    assert len(person) == 12


def test_adventureworks_quarter_phased_to_months_adds_back(shared_data: Path) -> None:
    budget = read_budget(shared_data / QUOTAS, "budget-adventureworks")
    first = budget.targets[0]

    months = phase_target(first, "month")

    # 274's 2022-Q2 quota 28000 / 3 = 9333.33 remainder 0.01, to June.
    assert [(m.period_key, m.revenue) for m in months] == [
        ("2022-04", Decimal("9333.33")),
        ("2022-05", Decimal("9333.33")),
        ("2022-06", Decimal("9333.34")),
    ]
    assert all(m.member == "274" for m in months)


# Properties: any split adds back and stays within one step of the even share.


@given(
    cents=st.integers(min_value=-(10**13), max_value=10**13),
    months=st.integers(min_value=1, max_value=60),
)
def test_any_amount_split_over_any_number_of_months_adds_back(
    cents: int, months: int
) -> None:
    total = Decimal(cents).scaleb(-2)

    parts = split_exact(total, [1] * months, CENT)

    assert sum(parts, Decimal(0)) == total
    even_share = Fraction(cents, 100 * months)
    assert all(abs(Fraction(part) - even_share) <= Fraction(1, 100) for part in parts)


@given(
    cents=st.integers(min_value=-(10**11), max_value=10**11),
    year=st.integers(min_value=1990, max_value=2090),
    quarter=st.integers(min_value=0, max_value=4),
)
def test_any_year_or_quarter_phases_to_months_within_a_cent_of_even(
    cents: int, year: int, quarter: int
) -> None:
    period = year_period(year) if quarter == 0 else quarter_period(year, quarter)
    total = Decimal(cents).scaleb(-2)

    months = phase_amount(total, period, "month", PhasingRule.even())
    weeks = phase_amount(total, period, "week", PhasingRule.even())

    assert sum((amount for _, amount in months), Decimal(0)) == total
    assert sum((amount for _, amount in weeks), Decimal(0)) == total
    even_share = Fraction(cents, 100 * len(months))
    assert len(months) == (12 if quarter == 0 else 3)
    assert all(abs(Fraction(a) - even_share) <= Fraction(1, 100) for _, a in months)
