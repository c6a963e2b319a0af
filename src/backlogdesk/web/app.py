"""The review web application: configuration, the shared review state, the app.

One process serves one store. The report is built once per state of the
action log and reused until someone records an action; a lock keeps the one
database connection to one request at a time.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment
from starlette.middleware.trustedhost import TrustedHostMiddleware

from backlogdesk.errors import StoreError
from backlogdesk.periods import PeriodKind
from backlogdesk.reports.formatting import (
    format_pct,
    format_qty,
    page_environment,
)
from backlogdesk.reports.model import Report
from backlogdesk.review import AgreementInput, build_report
from backlogdesk.review_budget import PlanInput
from backlogdesk.rules.ownership import Owners
from backlogdesk.settings import Settings
from backlogdesk.store.actions import Action, action_history, record_action
from backlogdesk.store.database import Store
from backlogdesk.web.auth import Sessions, SignInGuard, Users, secret_key
from backlogdesk.web.security import (
    CsrfRefused,
    csrf_refused_response,
    session_middleware,
)

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def utc_now() -> datetime:
    """The current time in UTC, without a zone (as the action log stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class WebConfig:
    """How the review page runs: which store and date, and who may do what.

    ``read_open`` lets anyone who reaches the server read the page (the default
    on a loopback address); recording always needs a signed-in user, or the
    identity header from one of ``trusted_proxies`` when one is configured.
    """

    store: Store
    as_of: date | None = None
    period: PeriodKind = "week"
    settings: Settings = field(default_factory=Settings.defaults)
    owners: Owners = field(default_factory=Owners)
    users: Users = field(default_factory=Users)
    identity_header: str | None = None
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)
    read_open: bool = True
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    secure_cookies: bool = False
    secret: str = field(default_factory=secret_key)
    clock: Callable[[], datetime] = utc_now
    agreements: AgreementInput | None = None
    plan: PlanInput | None = None


class Review:
    """The store behind the page: the cached report and the action log."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._cached: tuple[int, Report] | None = None
        self.as_of = config.as_of or self._newest_snapshot()

    def _newest_snapshot(self) -> date:
        days = self.config.store.snapshot_dates()
        if not days:
            raise StoreError(
                f"{self.config.store.path}: no snapshot imported yet. Import an "
                "export first (backlogdesk import ... --db STORE)."
            )
        return days[-1]

    def report(self) -> Report:
        """The report as of the review date, rebuilt after each new action."""
        with self._lock:
            generation = self._generation()
            if self._cached is None or self._cached[0] != generation:
                config = self.config
                report = build_report(
                    config.store,
                    self.as_of,
                    config.period,
                    config.settings,
                    owners=config.owners,
                    agreements=config.agreements,
                    plan=config.plan,
                )
                self._cached = (generation, report)
            return self._cached[1]

    def _generation(self) -> int:
        # The log is append-only: its row count changes with every new entry.
        rows = self.config.store.sql("select count(*) from actions")
        return int(rows[0][0])

    def history(self, line_key: str) -> list[Action]:
        """Every action recorded on a line, oldest first."""
        with self._lock:
            return action_history(self.config.store, line_key)

    def record(
        self, line_key: str, expected_version: int, entry: dict[str, Any], user: str
    ) -> Action:
        """Append an action (raises VersionConflict when someone was quicker)."""
        with self._lock:
            action = record_action(
                self.config.store,
                line_key,
                expected_version,
                entry,
                user,
                self.config.clock(),
            )
        log.info("%s recorded v%d on %s", user, action.version, line_key)
        return action

    def known_people(self) -> list[str]:
        """Names for the owner list: the owners file's people and the users."""
        people = {
            person
            for by_key in self.config.owners.people.values()
            for person in by_key.values()
        }
        return sorted(people | set(self.config.users.hashes))


def create_app(config: WebConfig) -> FastAPI:
    """The review application for ``config``; serve it with any ASGI server."""
    from backlogdesk.web.pages import router
    from backlogdesk.web.record import router as record_router

    # No generated API pages: they would load scripts from outside this server.
    app = FastAPI(
        title="Backlog Desk review", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.config = config
    app.state.review = Review(config)
    app.state.sessions = Sessions(config.secret)
    app.state.guard = SignInGuard()
    app.state.templates = templates()

    app.include_router(router)
    app.include_router(record_router)
    app.mount("/static", StaticFiles(packages=[("backlogdesk.web", "static")]))
    app.add_exception_handler(CsrfRefused, csrf_refused_response)
    # Refusing unknown Host headers stops a foreign page from reaching the
    # loopback server through a rebound DNS name.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))
    # Added last, so it runs first and even a refused Host gets the headers.
    app.middleware("http")(
        session_middleware(app.state.sessions, config.secure_cookies)
    )
    return app


@functools.cache
def templates() -> Environment:
    """The page templates; autoescape on, as every ERP text is untrusted."""
    return page_environment(
        "backlogdesk.web", measured=format_measured, stamp=format_stamp
    )


def format_measured(value: Decimal | None, unit: str) -> str:
    """A rule's measured value or threshold as it reads: ``26.3 %``, ``30 days``."""
    if value is None:
        return "–"
    if unit == "share":
        return format_pct(value * 100)
    if unit in ("lines", "days"):
        return f"{format_qty(value)} {unit}"
    return format_qty(value)


def format_stamp(moment: datetime | None) -> str:
    """A recorded time to the minute, marked UTC."""
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"
