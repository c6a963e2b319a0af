"""Pieces every command shares: the date option type and the error wrapper."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from backlogdesk.errors import BacklogDeskError, StoreError


class StoreSpecType(click.ParamType[Path | str]):
    """A store: a DuckDB file path, or a postgresql:// or spark: URL."""

    name = "PATH|URL"

    def __init__(self, must_exist: bool = False) -> None:
        self.must_exist = must_exist

    def convert(self, value: Any, param: Any, ctx: Any) -> Path | str:
        from backlogdesk.store.engines import engine_of, parse_postgres_url

        text = str(value)
        engine = engine_of(text)
        if engine == "duckdb":
            path = Path(text)
            if self.must_exist and not path.is_file():
                self.fail(f"{text}: no store file here.", param, ctx)
            return path
        if engine == "postgres":
            try:
                parse_postgres_url(text)
            except StoreError as exc:
                self.fail(str(exc), param, ctx)
        return text


class DateType(click.ParamType[date]):
    """A calendar date written as YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date like 2026-12-04.", param, ctx)
        if not date(1900, 1, 1) <= day <= date(2199, 12, 31):
            self.fail(f"{value} is outside the years 1900 to 2199.", param, ctx)
        return day


def domain_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn Backlog Desk errors into a one-line message and exit code 2."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except BacklogDeskError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(2)
        except ModuleNotFoundError as exc:
            click.secho(
                f"Error: the Python package {exc.name} is missing; install it with "
                "pip install 'backlogdesk[web]' (the review page and the pack).",
                fg="red",
                err=True,
            )
            sys.exit(2)
        except OSError as exc:
            where = exc.filename or "a file"
            click.secho(
                f"Error: cannot use {where}: {exc.strerror or exc}. Check that the "
                "path exists, is a folder where one is expected, and is writable.",
                fg="red",
                err=True,
            )
            sys.exit(2)

    return wrapper
