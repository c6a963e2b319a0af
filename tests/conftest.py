"""Shared fixtures: where the public sample data lives, and running the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backlogdesk.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("BACKLOGDESK_SHARED_DATA", REPO.parent / "shared" / "data")
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public order datasets beside the project (../shared/data)."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing; CI must have ../shared/data")
        pytest.skip(f"{SHARED_DATA} not present")
    return SHARED_DATA


def run_cli(*args: str) -> Any:
    """Run the command line in-process and return click's result."""
    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)


def report_json(out_dir: Path) -> dict[str, Any]:
    """The single JSON report written into ``out_dir``."""
    (path,) = out_dir.glob("backlog-*.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="session")
def classicmodels_report(shared_data: Path) -> Any:
    """The classicmodels sample as of 2005-05-31, reviewed by month."""
    from datetime import date

    from backlogdesk.ingest.conversions import Rates, Units
    from backlogdesk.ingest.lines import IngestContext, ingest_files
    from backlogdesk.ingest.mapping import load_mapping
    from backlogdesk.review import build_report
    from backlogdesk.settings import Settings
    from backlogdesk.store.database import Store
    from backlogdesk.store.schema import lines_to_arrow

    as_of = date(2005, 5, 31)
    folder = shared_data / "classicmodels" / "csv"
    names = ["orderdetails", "orders", "customers", "products", "employees"]
    context = IngestContext("UTC", Rates("USD"), Units(), "order_date", as_of)
    result = ingest_files(
        [folder / f"{name}.csv" for name in names],
        load_mapping("classicmodels"),
        context,
    )
    store = Store(":memory:")
    store.replace_with_single_snapshot(as_of, lines_to_arrow(result.lines), "test")
    return build_report(store, as_of, "month", Settings.defaults())
