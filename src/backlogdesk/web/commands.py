"""Commands for the weekly review: ``serve`` the page, ``users add``, ``pack``.

Only click loads here; the web stack, the store and WeasyPrint load inside
the commands, so ``backlogdesk --help`` stays instant.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from backlogdesk.cli_plan import plan_files, plan_options
from backlogdesk.cli_support import DateType, StoreSpecType, domain_errors

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_USERS = Path("backlogdesk-users.txt")


def register(main: click.Group) -> None:
    """Add the review commands to the ``backlogdesk`` command group."""
    main.add_command(serve)
    main.add_command(users)
    main.add_command(pack)


def _review_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--db, --as-of, --period, --owners and --settings."""
    options = [
        click.option(
            "--db",
            type=StoreSpecType(must_exist=True),
            required=True,
            help="Store with the imported snapshots: a DuckDB file or a "
            "PostgreSQL URL.",
        ),
        click.option(
            "--as-of",
            type=DateType(),
            help="The imported date to review. Default: the newest snapshot.",
        ),
        click.option(
            "--period",
            type=click.Choice(["week", "month", "quarter"]),
            default="week",
            show_default=True,
            help="Review period containing the as-of date.",
        ),
        click.option(
            "--owners",
            type=click.Path(path_type=Path),
            help="Owners CSV (kind,key,person) proposing a person per red line.",
        ),
        click.option(
            "--settings",
            "settings_path",
            type=click.Path(path_type=Path),
            help="Settings TOML overriding defaults (see 'backlogdesk settings').",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.command()
@_review_options
@plan_options
@click.option(
    "--users",
    "users_path",
    type=click.Path(path_type=Path),
    help="Users file (see 'backlogdesk users add'); without it nobody signs in.",
)
@click.option(
    "--host", default=DEFAULT_HOST, show_default=True, help="Address to bind."
)
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Port to bind.")
@click.option(
    "--identity-header",
    help="Trust this header (e.g. X-Remote-User) as the signed-in person, when "
    "the request comes from a --trusted-proxy.",
)
@click.option(
    "--trusted-proxy",
    multiple=True,
    default=["127.0.0.1"],
    show_default=True,
    help="Address of the company proxy that sets --identity-header (repeatable).",
)
@click.option(
    "--allowed-host",
    multiple=True,
    help="Extra host name the page is reached by, e.g. the proxy's (repeatable).",
)
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Send the session cookie over HTTPS only (behind a TLS proxy).",
)
@domain_errors
def serve(
    db: Path | str,
    as_of: date | None,
    period: str,
    owners: Path | None,
    settings_path: Path | None,
    users_path: Path | None,
    host: str,
    port: int,
    identity_header: str | None,
    trusted_proxy: tuple[str, ...],
    allowed_host: tuple[str, ...],
    secure_cookies: bool,
    **plan: Any,
) -> None:
    """Serve the weekly review page for the meeting.

    Reading is open on a loopback address (the default); recording owners,
    dates and decisions needs a user from --users or the --identity-header of
    a trusted proxy. Ctrl+C stops the server.

    Example: backlogdesk serve --db backlog.duckdb --users users.txt
    """
    import uvicorn

    from backlogdesk.rules.ownership import load_owners
    from backlogdesk.settings import load_settings
    from backlogdesk.store.engines import open_store
    from backlogdesk.web.app import WebConfig, create_app
    from backlogdesk.web.auth import load_users
    from backlogdesk.web.security import allowed_hosts, is_loopback

    kind: Any = period
    settings = load_settings(settings_path)
    given = _plan_read(plan, settings)
    with open_store(db) as store:
        config = WebConfig(
            store=store,
            as_of=as_of,
            period=kind,
            settings=settings,
            owners=load_owners(owners),
            users=load_users(users_path),
            agreements=given.agreements,
            plan=given.plan,
            identity_header=identity_header,
            trusted_proxies=trusted_proxy,
            read_open=is_loopback(host),
            allowed_hosts=allowed_hosts(host, allowed_host),
            secure_cookies=secure_cookies,
        )
        app = create_app(config)
        _announce(config, app.state.review.as_of, host, port)
        # The client address must be the real peer: the identity header is
        # trusted by it, so forwarded-for headers are not applied.
        uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="warning")


def _plan_read(plan: dict[str, Any], settings: Any) -> Any:
    """Read the plan files once; rows they reject are counted, and the run
    stops when any is rejected, since the page has no rejected-rows file."""
    from backlogdesk.errors import InputError
    from backlogdesk.plan_inputs import read_plan_files

    given = read_plan_files(plan_files(plan), settings)
    if given.rejects:
        first = given.rejects[0]
        raise InputError(
            f"{len(given.rejects)} row(s) of the budget, actuals or agreements "
            f"files cannot be used, the first: {first}. List them all with "
            "'backlogdesk report --db ...' with the same files (it writes "
            "rejected-plan-rows.csv) and fix them first."
        )
    return given


def _announce(config: Any, as_of: date, host: str, port: int) -> None:
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Weekly review of {as_of}: http://{shown}:{port}/review")
    if not config.read_open:
        click.echo(
            f"{host} is reachable from other machines: reading needs sign-in. "
            "Put the server behind the company's HTTPS proxy so passwords never "
            "travel in clear."
        )
    if not config.users.hashes and not config.identity_header:
        click.echo("No --users file and no --identity-header: the page is read-only.")
    click.echo("Press Ctrl+C to stop.")


@click.group()
def users() -> None:
    """Manage the people who may record actions on the review page.

    Example: backlogdesk users add anna --users users.txt
    """


@users.command("add")
@click.argument("name")
@click.option(
    "--users",
    "users_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_USERS,
    show_default=True,
    help="Users file to add to (created, readable by its owner only).",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)
@domain_errors
def users_add(name: str, users_path: Path, password_stdin: bool) -> None:
    """Add a user, or set a new password for an existing one.

    Asks for the password twice unless --password-stdin is given.

    Example: backlogdesk users add anna --users users.txt
    """
    from backlogdesk.web.auth import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt=True, type=str
        )
    created = add_user(users_path, name, password)
    click.echo(f"{'added' if created else 'updated'} {name.strip()} in {users_path}")


@click.command()
@_review_options
@plan_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the pack (created if missing).",
)
@domain_errors
def pack(
    db: Path | str,
    as_of: date | None,
    period: str,
    owners: Path | None,
    settings_path: Path | None,
    out_dir: Path,
    **plan: Any,
) -> None:
    """Freeze the review as presented, with the action list, as HTML and PDF.

    The file names and the page carry the moment of freezing (UTC). The store
    must not be open in 'backlogdesk serve' at the same time.

    Example: backlogdesk pack --db backlog.duckdb --as-of 2026-11-30 --out packs/
    """
    from backlogdesk.errors import StoreError
    from backlogdesk.rules.ownership import load_owners
    from backlogdesk.settings import load_settings
    from backlogdesk.store.engines import open_store
    from backlogdesk.web.app import utc_now
    from backlogdesk.web.pack import write_pack

    kind: Any = period
    settings = load_settings(settings_path)
    given = _plan_read(plan, settings)
    with open_store(db) as store:
        imported = store.snapshot_dates()
        if as_of is None and not imported:
            raise StoreError(f"{db}: no snapshot imported yet; nothing to freeze.")
        day = as_of or imported[-1]
        written = write_pack(
            store,
            day,
            kind,
            settings,
            load_owners(owners),
            out_dir,
            utc_now(),
            given.agreements,
            given.plan,
        )
    for path in written:
        click.echo(f"wrote {path}")
