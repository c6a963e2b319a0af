"""The files that sit beside the orders: budget, actuals and agreements.

They are read at report time (the store keeps orders and actions only), each
with its own mapping, and every row ends accepted or in the rejected rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backlogdesk.budget.targets import BudgetTarget
from backlogdesk.errors import InputError
from backlogdesk.ingest.conversions import load_rates
from backlogdesk.ingest.lines import FileCount
from backlogdesk.ingest.rejects import Reject
from backlogdesk.review import AgreementInput
from backlogdesk.review_budget import PlanInput
from backlogdesk.settings import Settings


@dataclass(frozen=True)
class PlanFiles:
    """Paths of the budget, actuals and agreements files and their mappings."""

    budget: tuple[Path, ...] = ()
    budget_mapping: str | None = None
    actuals: tuple[Path, ...] = ()
    actuals_mapping: str | None = None
    agreements: tuple[Path, ...] = ()
    agreements_mapping: str | None = None
    rates: Path | None = None

    @property
    def given(self) -> bool:
        """True when any of the files is given."""
        return bool(self.budget or self.actuals or self.agreements)


@dataclass
class PlanRead:
    """What the plan files gave: agreements, budget and actuals, and their rows."""

    agreements: AgreementInput | None = None
    plan: PlanInput | None = None
    rejects: list[Reject] = field(default_factory=list)
    counts: list[FileCount] = field(default_factory=list)


def read_plan_files(files: PlanFiles, settings: Settings) -> PlanRead:
    """Read every given plan file; mapping mistakes stop the run."""
    _refuse_lone_mappings(files)
    read = PlanRead()
    currency = str(settings["reporting_currency"])
    if files.agreements:
        _read_agreements(files, currency, read)
    targets, actual_rows = None, None
    if files.budget:
        targets = _read_budget(files, currency, read)
    if files.actuals:
        actual_rows = _read_actuals(files, currency, read)
    if files.budget or files.actuals or files.agreements:
        read.plan = PlanInput(
            targets,
            actual_rows,
            ", ".join(path.name for path in files.budget),
            ", ".join(path.name for path in files.actuals),
            _rejected_by_kind(files, read),
        )
    return read


def _refuse_lone_mappings(files: PlanFiles) -> None:
    """A mapping given without its files is a mistake worth naming."""
    pairs = (
        ("--budget-mapping", files.budget_mapping, files.budget, "--budget"),
        ("--actuals-mapping", files.actuals_mapping, files.actuals, "--actuals"),
        ("--agreements-mapping", files.agreements_mapping, files.agreements,
         "--agreements"),
    )  # fmt: skip
    for option, mapping, given, files_option in pairs:
        if mapping is not None and not given:
            raise InputError(
                f"{option} was given without {files_option} FILE: give the file it "
                f"maps, or leave {option} out."
            )


def _rejected_by_kind(files: PlanFiles, read: PlanRead) -> dict[str, int]:
    """Rejected rows per kind of plan file, for the scoreboard's notes."""
    kinds = {path.name: "budget" for path in files.budget}
    kinds |= {path.name: "actuals" for path in files.actuals}
    kinds |= {path.name: "agreements" for path in files.agreements}
    counts: dict[str, int] = {}
    for reject in read.rejects:
        kind = kinds.get(reject.file, "plan file")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def _needs(mapping: str | None, option: str, files: str, doc: str) -> str:
    if mapping is None:
        raise InputError(
            f"{files} files need {option} NAME_OR_FILE: a mapping of their columns "
            f"(see {doc})."
        )
    return mapping


def _read_agreements(files: PlanFiles, currency: str, read: PlanRead) -> None:
    from backlogdesk.coverage.agreement_mapping import load_agreement_mapping
    from backlogdesk.coverage.agreements import read_agreements

    spec = _needs(
        files.agreements_mapping,
        "--agreements-mapping",
        "Agreements",
        "docs/coverage.md",
    )
    mapping = load_agreement_mapping(spec)
    result = read_agreements(list(files.agreements), mapping)
    rates = load_rates(files.rates, currency)
    read.agreements = AgreementInput(result.agreements, rates)
    read.rejects += result.rejects
    read.counts += result.counts


def _read_budget(files: PlanFiles, currency: str, read: PlanRead) -> list[BudgetTarget]:
    from backlogdesk.budget.mapping import load_budget_mapping
    from backlogdesk.budget.reader import read_budget

    spec = _needs(files.budget_mapping, "--budget-mapping", "Budget", "docs/budget.md")
    mapping = load_budget_mapping(spec)
    wanted = str(currency)
    if mapping.currency and mapping.currency != wanted:
        raise InputError(
            f"Budget mapping {spec} says the targets are in {mapping.currency}; the "
            f"report is in {wanted}. Convert the budget to {wanted}, or set "
            f'reporting_currency = "{mapping.currency}" in the settings.'
        )
    result = read_budget(list(files.budget), mapping)
    read.rejects += result.rejects
    read.counts += result.counts
    return list(result.targets)


def _read_actuals(files: PlanFiles, currency: str, read: PlanRead) -> list[object]:
    from backlogdesk.budget.actuals import read_actuals
    from backlogdesk.budget.actuals_mapping import load_actuals_mapping

    spec = _needs(
        files.actuals_mapping, "--actuals-mapping", "Actuals", "docs/budget.md"
    )
    mapping = load_actuals_mapping(spec)
    result = read_actuals(
        list(files.actuals), mapping, load_rates(files.rates, currency)
    )
    read.rejects += result.rejects
    read.counts += result.counts
    return list(result.rows)
