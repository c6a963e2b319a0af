"""Landing forecast from the weekly history: what past periods shipped of A and B.

Monthly imports on the first of each month; every line is worth 100 a unit.
The shares, medians and percentiles asserted here are worked out by hand in
the comments next to each export.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from backlogdesk.metrics.landing import (
    LandingForecast,
    classified_imports,
    landing_forecast,
    landing_table,
    likely_landing,
    measured_periods,
)
from backlogdesk.periods import period_containing
from backlogdesk.review_history import classified_as_of
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from conftest import run_cli
from history_kit import COLUMNS, MAPPING, line

# The weekly test mapping plus an estimated date, more block reasons and a
# freight charge item.
DATED_MAPPING = (
    MAPPING.replace(
        'confirmed_date = "confirmed"\n',
        'confirmed_date = "confirmed"\nestimated_date = "estimated"\n',
    ).replace(
        'CR = "credit_hold"\n',
        'CR = "credit_hold"\nMD = "missing_drawing"\nCAP = "capacity"\n',
    )
    + '\n[rules]\ncharge_items = ["FREIGHT"]\n'
)
DATED_COLUMNS = (*COLUMNS, "estimated")


def dated_line(order: str, line_no: str = "10", **values: str) -> dict[str, str]:
    """An export row that may carry an estimated date."""
    kept = {k: v for k, v in values.items() if k != "estimated"}
    row = line(order, line_no, **kept)
    row["estimated"] = values.get("estimated", "")
    return row


def import_dated(folder: Path, day: str, rows: list[dict[str, str]]) -> None:
    """Import one export with estimated dates into folder/store.duckdb."""
    exports = folder / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    path = exports / f"lines-{day}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=DATED_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    mapping = folder / "dated.toml"
    mapping.write_text(DATED_MAPPING, encoding="utf-8")
    result = run_cli(
        "import", path, "--mapping", mapping, "--as-of", day, "--db", store_path(folder)
    )
    assert result.exit_code == 0, result.output


def store_path(folder: Path) -> Path:
    """Where ``import_dated`` keeps the store."""
    return folder / "store.duckdb"


def shipped(order: str, **values: str) -> dict[str, str]:
    """A line shipped in full (10 of 10)."""
    return dated_line(order, delivered="10", status="shipped", **values)


# Jan: A = SO-1 + SO-2 = 2000, SO-1 ships: 1000 / 2000 = 0.5; no B (none).
# The pending SO-P and SO-3 (dated in February, so C) are not in January's A.
JANUARY = [
    dated_line("SO-1", confirmed="2024-01-20"),
    dated_line("SO-2", confirmed="2024-01-25"),
    dated_line("SO-P", confirmed="2024-01-20", status="pending"),
    dated_line("SO-3", confirmed="2024-02-20"),
]
# Feb: A = SO-2 + SO-3 = 2000, both ship: 1.0; B = SO-B2 1000, slips: 0.
FEBRUARY = [
    shipped("SO-1", confirmed="2024-01-20"),
    dated_line("SO-2", confirmed="2024-02-10", delay_reason="CAP"),
    shipped("SO-P", confirmed="2024-01-20"),
    dated_line("SO-3", confirmed="2024-02-20"),
    dated_line("SO-B2", estimated="2024-02-15"),
]
# Mar: A = SO-4 + SO-5 = 2000; SO-4 ships, SO-5 ships 5 of 10 (500):
# 1500 / 2000 = 0.75. B = SO-B2 + SO-B3 = 2000, both ship: 1.0.
MARCH = [
    shipped("SO-2", confirmed="2024-02-10"),
    shipped("SO-3", confirmed="2024-02-20"),
    dated_line("SO-B2", estimated="2024-03-20"),
    dated_line("SO-B3", estimated="2024-03-10"),
    dated_line("SO-4", confirmed="2024-03-15"),
    dated_line("SO-5", confirmed="2024-03-20"),
]
# Apr: A = SO-5 rest 500 + SO-6 1000 + SO-7 1000 + SO-8 1500 = 4000; only
# SO-6 ships: 1000 / 4000 = 0.25. B = SO-B4 2000, ships 10 of 20: 0.5.
APRIL = [
    shipped("SO-4", confirmed="2024-03-15"),
    dated_line("SO-5", confirmed="2024-03-20", delivered="5"),
    shipped("SO-B2", estimated="2024-03-20"),
    shipped("SO-B3", estimated="2024-03-10"),
    dated_line("SO-6", confirmed="2024-04-10"),
    dated_line("SO-7", confirmed="2024-04-15"),
    dated_line("SO-8", confirmed="2024-04-20", qty="15"),
    dated_line("SO-B4", estimated="2024-04-25", qty="20"),
]
MAY = [
    dated_line("SO-5", confirmed="2024-03-20", delivered="5"),
    shipped("SO-6", confirmed="2024-04-10"),
    dated_line("SO-7", confirmed="2024-04-15", status="hold", block="CR"),
    dated_line("SO-8", confirmed="2024-05-10", qty="15"),
    dated_line("SO-B4", estimated="2024-05-05", qty="20", delivered="10"),
]
MONTHS = (
    ("2024-01-01", JANUARY),
    ("2024-02-01", FEBRUARY),
    ("2024-03-01", MARCH),
    ("2024-04-01", APRIL),
    ("2024-05-01", MAY),
)


@pytest.fixture(scope="module")
def monthly_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five monthly imports, January to May 2024."""
    folder = tmp_path_factory.mktemp("landing")
    for day, rows in MONTHS:
        import_dated(folder, day, rows)
    return store_path(folder)


def _forecast(path: Path, as_of: date, min_periods: int = 3) -> LandingForecast:
    with Store(path, read_only=True) as store:
        return landing_forecast(store, as_of, "month", Settings.defaults(), min_periods)


def test_each_finished_month_shows_its_a_and_b_shipped(monthly_store):
    forecast = _forecast(monthly_store, date(2024, 5, 1))

    evidence = [
        (
            p.period_key,
            p.a_start_value,
            p.a_shipped_value,
            p.share_a,
            p.b_start_value,
            p.b_shipped_value,
            p.share_b,
        )
        for p in forecast.periods
    ]

    assert evidence == [
        ("2024-01", 2000, 1000, Decimal("0.5"), 0, 0, None),
        ("2024-02", 2000, 2000, Decimal("1"), 1000, 0, Decimal("0")),
        ("2024-03", 2000, 1500, Decimal("0.75"), 2000, 2000, Decimal("1")),
        ("2024-04", 4000, 1000, Decimal("0.25"), 2000, 1000, Decimal("0.5")),
    ]
    first = forecast.periods[0]
    assert (first.start_import, first.end_import) == (
        date(2024, 1, 1),
        date(2024, 2, 1),
    )


def test_p50_is_the_median_and_p90_the_nearest_rank_tenth_percentile(monthly_store):
    forecast = _forecast(monthly_store, date(2024, 5, 1))

    # A shares sorted 0.25, 0.5, 0.75, 1: median (0.5 + 0.75) / 2; rank
    # ceil(4 / 10) = 1 gives 0.25. B (January had none) sorted 0, 0.5, 1.
    assert forecast.enough is True and forecast.reason == ""
    assert forecast.share_a_p50 == Decimal("0.6250")
    assert forecast.share_a_p90 == Decimal("0.2500")
    assert forecast.share_b_p50 == Decimal("0.5000")
    assert forecast.share_b_p90 == Decimal("0.0000")
    assert "4 finished months" in forecast.method
    assert "nearest rank" in forecast.method and "median" in forecast.method


def test_likely_landing_adds_a_and_b_at_their_shares_to_the_cent(monthly_store):
    forecast = _forecast(monthly_store, date(2024, 5, 1))

    # 10000 + 4000 x 0.625 + 2000 x 0.5 and 10000 + 4000 x 0.25 + 2000 x 0.
    assert likely_landing(
        forecast, Decimal("10000"), Decimal("4000"), Decimal("2000")
    ) == (Decimal("13500.00"), Decimal("11000.00"))
    # 1234.57 x 0.625 = 771.60625 and 1234.57 x 0.25 = 308.6425.
    assert likely_landing(forecast, Decimal(0), Decimal("1234.57"), Decimal(0)) == (
        Decimal("771.61"),
        Decimal("308.64"),
    )


def test_too_little_history_gives_no_numbers_and_says_why(monthly_store):
    # On 1 March only January and February are finished and measured.
    forecast = _forecast(monthly_store, date(2024, 3, 1))

    assert forecast.enough is False
    assert [p.period_key for p in forecast.periods] == ["2024-01", "2024-02"]
    assert "needs 3 finished months" in forecast.reason
    assert "the store has 2" in forecast.reason
    assert forecast.share_a_p50 is None and forecast.share_b_p90 is None
    assert likely_landing(forecast, Decimal(1), Decimal(1), Decimal(1)) == (
        None,
        None,
    )


def test_a_bucket_with_too_few_starting_values_stops_the_range(monthly_store):
    # Four months measured, but B had value at the start of three only.
    forecast = _forecast(monthly_store, date(2024, 5, 1), min_periods=4)

    assert forecast.enough is False
    assert "bucket B had value at the start of only 3 of the 4" in forecast.reason
    assert forecast.share_a_p50 is None


def test_later_imports_do_not_change_an_earlier_forecast(monthly_store):
    on_first_april = _forecast(monthly_store, date(2024, 4, 1), min_periods=2)

    assert [p.period_key for p in on_first_april.periods] == [
        "2024-01",
        "2024-02",
        "2024-03",
    ]
    # A shares 0.5, 1, 0.75 -> median 0.75; rank ceil(3 / 10) = 1 -> 0.5.
    # B shares 0 and 1 -> median 0.5; rank 1 -> 0.
    assert on_first_april.share_a_p50 == Decimal("0.7500")
    assert on_first_april.share_a_p90 == Decimal("0.5000")
    assert on_first_april.share_b_p50 == Decimal("0.5000")
    assert on_first_april.share_b_p90 == Decimal("0.0000")


def test_the_evidence_table_shows_shares_as_percent(monthly_store):
    table = landing_table(_forecast(monthly_store, date(2024, 5, 1)))

    assert [row["share_a_pct"] for row in table.rows] == [50, 100, 75, 25]
    assert [row["share_b_pct"] for row in table.rows] == [None, 0, 100, 50]
    assert table.note.startswith("For each of 4 finished months")


def test_one_query_classifies_each_import_as_the_report_does(monthly_store):
    days = [date.fromisoformat(day) for day, _ in MONTHS]
    settings = Settings.defaults()
    with Store(monthly_store, read_only=True) as store:
        stacked = classified_imports(store, days, settings).to_pyarrow().to_pylist()
        for day in days:
            alone = classified_as_of(
                store, day, period_containing(day, "month"), settings
            )
            columns = [name for name in stacked[0] if name != "import_day"]
            expected = alone.select(*columns).to_pyarrow().to_pylist()
            got = [
                {k: v for k, v in row.items() if k != "import_day"}
                for row in stacked
                if row["import_day"] == day
            ]
            by_key = sorted(expected, key=lambda row: row["line_key"])
            assert sorted(got, key=lambda row: row["line_key"]) == by_key


def test_a_month_first_imported_more_than_a_week_in_is_not_measured():
    days = [
        date(2024, 1, 8),
        date(2024, 2, 1),
        date(2024, 2, 12),
        date(2024, 3, 4),
        date(2024, 4, 9),
        date(2024, 5, 2),
    ]

    measured = measured_periods(days, date(2024, 5, 2), "month")

    # January starts 7 days in (kept), April 8 days in (left out); May is
    # the current month.
    assert [(p.key, start, end) for p, start, end in measured] == [
        ("2024-01", date(2024, 1, 8), date(2024, 2, 1)),
        ("2024-02", date(2024, 2, 1), date(2024, 3, 4)),
        ("2024-03", date(2024, 3, 4), date(2024, 4, 9)),
    ]


def test_a_week_needs_an_import_inside_it_and_one_after_it():
    days = [date(2024, 3, 6), date(2024, 3, 20), date(2024, 3, 27)]

    measured = measured_periods(days, date(2024, 3, 27), "week")

    # W10 (Mar 4-10) has 6 Mar and 20 Mar after it; W11 has no import; W12
    # (Mar 18-24) has 20 Mar and 27 Mar; W13 is current.
    assert [(p.key, start, end) for p, start, end in measured] == [
        ("2024-W10", date(2024, 3, 6), date(2024, 3, 20)),
        ("2024-W12", date(2024, 3, 20), date(2024, 3, 27)),
    ]
