"""Recording an action on a line from the review page.

The form names the action version it was filled in against. When someone
else recorded a newer version meanwhile, the answer is 409 with their entry
and yours side by side: nothing is overwritten without being seen.

One route answers three ways: a plain form post gets a redirect back to the
page (or a full conflict page), the page's script gets the updated table row
to swap in, and a JSON client gets JSON.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from backlogdesk.errors import StoreError
from backlogdesk.store.actions import DECISIONS, VersionConflict
from backlogdesk.web.app import templates
from backlogdesk.web.line_history import action_view
from backlogdesk.web.pages import (
    current_user,
    json_response,
    message,
    page_context,
    render,
    review_of,
)
from backlogdesk.web.security import check_csrf, safe_return_path
from backlogdesk.web.views import with_action

router = APIRouter()
OWNER_MAX_CHARS = 100
NOTE_MAX_CHARS = 2000
ANCHOR = re.compile(r"^[a-z_]{1,40}$")


class EntryError(ValueError):
    """A field of the action form cannot be used as typed."""


def response_mode(request: Request) -> str:
    """``json`` for JSON clients, ``fragment`` for the page's script, else
    ``page`` for a plain browser form post."""
    accept = request.headers.get("accept", "")
    if request.query_params.get("format") == "json" or "application/json" in accept:
        return "json"
    if request.headers.get("x-requested-with") == "fetch":
        return "fragment"
    return "page"


def parse_entry(fields: dict[str, str]) -> tuple[dict[str, Any], int]:
    """The action entry and the version it was filled in against."""
    owner = " ".join(fields.get("owner", "").split())
    if len(owner) > OWNER_MAX_CHARS:
        raise EntryError(f"The owner name is longer than {OWNER_MAX_CHARS} characters.")
    note = fields.get("note", "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise EntryError(f"The note is longer than {NOTE_MAX_CHARS} characters.")

    decision = fields.get("decision", "").strip() or None
    if decision is not None and decision not in DECISIONS:
        raise EntryError(f"Choose a decision from: {', '.join(DECISIONS)}.")

    typed_date = fields.get("next_update", "").strip()
    try:
        next_update = date.fromisoformat(typed_date) if typed_date else None
        expected = int(fields.get("expected_version", ""))
    except ValueError:
        raise EntryError(
            "The next update must be a date like 2026-12-11, and the form must "
            "carry the version it was read at. Reload the page."
        ) from None
    entry = {
        "owner": owner or None,
        "next_update": next_update,
        "decision": decision,
        "note": note or None,
    }
    return entry, max(expected, 0)


@router.post("/actions")
async def record(request: Request) -> Response:
    """Record owner, next update date, decision and note on one open line."""
    await check_csrf(request)
    mode = response_mode(request)
    user = current_user(request)
    if user is None:
        return message(request, 401, "Sign in first", "Sign in to record actions.")

    form = await request.form()
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    line_key = fields.get("line_key", "")
    review = review_of(request)
    report = await run_in_threadpool(review.report)
    row = next((r for r in report.lines.rows if r["line_key"] == line_key), None)
    if row is None:
        text = f"'{line_key}' is not an open line as of {report.as_of}."
        return message(request, 404, "Line not found", text)

    try:
        entry, expected = parse_entry(fields)
        action = await run_in_threadpool(review.record, line_key, expected, entry, user)
    except VersionConflict as conflict:
        return _conflict(request, mode, row, conflict, fields)
    except (EntryError, StoreError) as exc:
        return message(request, 400, "Not recorded", str(exc))

    if mode == "json":
        return json_response({"action": action_view(action)})
    if mode == "fragment":
        view = {"row": with_action(row, action, report.as_of), "section": ""}
        return _fragment(request, view, 200)
    anchor = fields.get("anchor", "")
    target = safe_return_path(fields.get("return_to"), "/review")
    suffix = f"#{anchor}" if ANCHOR.match(anchor) else ""
    return RedirectResponse(target + suffix, status_code=303)


def _conflict(
    request: Request,
    mode: str,
    row: dict[str, Any],
    conflict: VersionConflict,
    fields: dict[str, str],
) -> Response:
    """409: the other person's entry, and yours kept for you to send again."""
    theirs = conflict.latest
    as_of = review_of(request).as_of
    yours = {
        name: fields.get(name, "") for name in ("owner", "next_update", "decision")
    }
    yours["note"] = fields.get("note", "")
    view = {
        "error": "conflict",
        "message": str(conflict),
        "line_key": conflict.line_key,
        "theirs": action_view(theirs),
        "yours": yours,
        "row": with_action(row, theirs, as_of),
        "section": "",
        "return_to": safe_return_path(fields.get("return_to"), "/review"),
    }
    if mode == "json":
        keys = ("error", "message", "line_key", "theirs", "yours")
        return json_response({key: view[key] for key in keys}, 409)
    if mode == "fragment":
        return _fragment(request, view, 409)
    return render(request, "conflict.html.j2", view, 409)


def _fragment(request: Request, view: dict[str, Any], status_code: int) -> Response:
    """The updated table row alone, for the page's script to swap in."""
    here = safe_return_path(request.headers.get("x-return-to"), "/review")
    context = page_context(request, here)
    html = templates().get_template("row.html.j2").render(view=view, **context)
    return HTMLResponse(html, status_code=status_code)
