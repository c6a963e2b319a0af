"""The one registry of thresholds and policies, with defaults, units and help.

A settings file (TOML, ``[settings]`` table) overrides the defaults; the report
prints the values it used so a reader can see why a line landed where it did.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backlogdesk.errors import InputError

RATE_POLICIES = ("order_date", "report_date", "budget_rate")


@dataclass(frozen=True)
class Setting:
    """One named setting: its default, the unit it is measured in, and help."""

    name: str
    default: Any
    unit: str
    help: str


REGISTRY: tuple[Setting, ...] = (
    Setting(
        "planning_horizon_days",
        180,
        "days",
        "Lines whose ship date lies further than this past the as-of date are "
        "flagged future-dated.",
    ),
    Setting(
        "aging_bands_days",
        [14, 30, 60, 90],
        "days",
        "Upper bounds of the aging bands for days since a line last moved.",
    ),
    Setting(
        "stale_after_days",
        30,
        "days",
        "A line without movement for more than this many days is aging.",
    ),
    Setting(
        "stale_after_days_by_group",
        {},
        "days per product group",
        "Aging threshold per product group where lead times differ, e.g. "
        '{ "Gearboxes" = 60 }; other groups use stale_after_days.',
    ),
    Setting(
        "pending_max_days",
        14,
        "days",
        "A pending line older than this (from its order date) goes to triage.",
    ),
    Setting(
        "stale_value_share_max",
        0.25,
        "share of open value",
        "Rule 'open orders not moving' fires when more of the open value than this "
        "has not moved for stale_after_days.",
    ),
    Setting(
        "unconfirmed_share_max",
        0.3,
        "share of backlog value",
        "Rule 'backlog unconfirmed' fires when more of the sales backlog value than "
        "this has no confirmed date.",
    ),
    Setting(
        "estimated_to_confirmed_max",
        0.5,
        "B value / A value",
        "Rule 'too many estimates' fires when bucket B is larger than this share "
        "of bucket A.",
    ),
    Setting(
        "coverage_to_backlog_max",
        1.0,
        "coverage / released backlog",
        "Rule 'coverage not schedulable' fires when agreement coverage exceeds "
        "released backlog by more than this factor.",
    ),
    Setting(
        "agreement_expiry_warning_days",
        60,
        "days",
        "Agreements ending within this many days with much still unreleased are "
        "flagged.",
    ),
    Setting(
        "actuals_basis",
        "invoice",
        "invoice / dispatch",
        "What counts as actual to date on the scoreboard: invoices less credit "
        "notes, or deliveries less returns.",
    ),
    Setting(
        "budget_phasing",
        "even",
        "even / working_days",
        "How a budget is spread over shorter periods and over the days of the "
        "period for pacing: evenly by calendar day, or by Monday-Friday days.",
    ),
    Setting(
        "scoreboard_green_pct",
        100.0,
        "% of budget",
        "A scoreboard measure is green when actual to date + bucket A reaches this "
        "share of its budget.",
    ),
    Setting(
        "scoreboard_amber_pct",
        100.0,
        "% of budget",
        "A measure that is not green is amber when actual + A + B reaches this share "
        "of its budget, red otherwise.",
    ),
    Setting(
        "landing_min_periods",
        3,
        "periods",
        "Finished periods of history the landing forecast needs before it gives a "
        "range; with fewer it says so.",
    ),
    Setting(
        "recurring_reason_months",
        3,
        "months",
        "A slip or block reason recurs when it is among the month's top three in "
        "this many of the last six months.",
    ),
    Setting(
        "reporting_currency",
        "USD",
        "ISO 4217",
        "Currency every value is converted to before it is summed.",
    ),
    Setting(
        "rate_date_policy",
        "order_date",
        "order_date / report_date / budget_rate",
        "Which currency rate converts a line: the rate of its order date, of the "
        "report's as-of date, or the year's budget rate (the rate dated 1 January "
        "of the as-of year).",
    ),
    Setting(
        "business_timezone",
        "UTC",
        "IANA zone",
        "Time zone in which timestamps become business dates.",
    ),
    Setting(
        "triage_rows",
        200,
        "rows",
        "Longest triage list shown per section in HTML (Excel lists every line).",
    ),
    Setting(
        "owner_required",
        True,
        "yes/no",
        "Flag open lines that have no owner in the data-quality lane.",
    ),
)

_BY_NAME = {setting.name: setting for setting in REGISTRY}


@dataclass(frozen=True)
class Settings:
    """Resolved setting values: the defaults with any overrides applied."""

    values: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __repr__(self) -> str:
        changed = {
            name: value
            for name, value in self.values.items()
            if value != _BY_NAME[name].default
        }
        return f"<Settings overrides={changed}>"

    @classmethod
    def defaults(cls) -> Settings:
        """The registry's defaults, unchanged."""
        return cls({setting.name: setting.default for setting in REGISTRY})

    def with_overrides(self, overrides: dict[str, Any], source: str) -> Settings:
        """Return a copy with ``overrides`` applied; unknown names are errors."""
        values = dict(self.values)
        for name, value in overrides.items():
            if name not in _BY_NAME:
                known = ", ".join(sorted(_BY_NAME))
                raise InputError(
                    f"{source}: unknown setting '{name}'. Known settings: {known}."
                )
            values[name] = _checked(name, value, source)
        return Settings(values)


def _checked(name: str, value: Any, source: str) -> Any:
    """The value if it fits the setting; otherwise an error naming the fix."""
    default = _BY_NAME[name].default
    if (
        isinstance(default, float)
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):
        value = float(value)
    if not isinstance(value, type(default)) or (
        isinstance(value, bool) != isinstance(default, bool)
    ):
        raise InputError(
            f"{source}: setting '{name}' must be a {type(default).__name__} like "
            f"{default!r}, got {value!r}."
        )
    problem = _PROBLEMS.get(name, lambda _: None)(value)
    if problem:
        raise InputError(f"{source}: setting '{name}' {problem}, got {value!r}.")
    return value


def _bands_problem(value: Any) -> str | None:
    ok = all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    if not value or not ok or list(value) != sorted(set(value)):
        return "must list whole days above 0 in rising order, like [14, 30, 60, 90]"
    return None


def _zone_problem(value: Any) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone such as 'Europe/Berlin' or 'UTC'"
    return None


def _by_group_problem(value: Any) -> str | None:
    if all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value.values()
    ):
        return None
    return "must map product groups to whole days above 0, like { Pumps = 60 }"


_PROBLEMS: dict[str, Callable[[Any], str | None]] = {
    "aging_bands_days": _bands_problem,
    "business_timezone": _zone_problem,
    "stale_after_days_by_group": _by_group_problem,
    "rate_date_policy": lambda v: (
        None if v in RATE_POLICIES else f"must be one of {', '.join(RATE_POLICIES)}"
    ),
    "reporting_currency": lambda v: (
        None
        if len(v) == 3 and v.isalpha() and v.isupper()
        else "must be a three-letter ISO currency code in capitals, like 'EUR'"
    ),
    "planning_horizon_days": lambda v: None if v > 0 else "must be above 0",
    "stale_after_days": lambda v: None if v > 0 else "must be above 0",
    "pending_max_days": lambda v: None if v >= 0 else "must be 0 or more",
    "triage_rows": lambda v: None if v > 0 else "must be above 0",
    "actuals_basis": lambda v: (
        None if v in ("invoice", "dispatch") else "must be 'invoice' or 'dispatch'"
    ),
    "budget_phasing": lambda v: (
        None if v in ("even", "working_days") else "must be 'even' or 'working_days'"
    ),
    "scoreboard_green_pct": lambda v: None if v > 0 else "must be above 0",
    "scoreboard_amber_pct": lambda v: None if v > 0 else "must be above 0",
    "landing_min_periods": lambda v: None if v >= 2 else "must be 2 or more",
    "recurring_reason_months": lambda v: (
        None if 1 <= v <= 6 else "must be between 1 and 6"
    ),
}


def load_settings(path: Path | None) -> Settings:
    """Read a settings file, or return the defaults when ``path`` is None."""
    settings = Settings.defaults()
    if path is None:
        return settings
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: settings file not found.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc}).") from exc
    stray = sorted(set(document) - {"settings"})
    if stray:
        raise InputError(
            f"{path}: {', '.join(stray)} must stand under a [settings] table "
            "(first line '[settings]'); see 'backlogdesk settings'."
        )
    return settings.with_overrides(document.get("settings", {}), str(path))
