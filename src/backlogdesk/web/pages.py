"""The review page, the line page and signing in; each page has a JSON twin
(the same path with ``.json``, or ``?format=json``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from backlogdesk.store.actions import DECISIONS
from backlogdesk.web.app import Review, WebConfig, templates
from backlogdesk.web.auth import SignInGuard, Users
from backlogdesk.web.line_history import line_detail_view
from backlogdesk.web.security import (
    check_csrf,
    csrf_token,
    safe_return_path,
    session_of,
    start_session,
)
from backlogdesk.web.views import Filters, plain, review_view

router = APIRouter()
JSON_SUFFIX = ".json"


def config_of(request: Request) -> WebConfig:
    """The configuration the app was created with."""
    config: WebConfig = request.app.state.config
    return config


def review_of(request: Request) -> Review:
    """The store and report behind the page."""
    review: Review = request.app.state.review
    return review


def current_user(request: Request) -> str | None:
    """The signed-in person: the trusted proxy's identity header, else the
    session's user, else None."""
    config = config_of(request)
    client = request.client.host if request.client else ""
    if config.identity_header and client in config.trusted_proxies:
        name = request.headers.get(config.identity_header, "").strip()
        if name:
            return name[:100]
    user = session_of(request).get("user")
    return str(user) if user else None


def wants_json(request: Request) -> bool:
    """True for the JSON twin: a ``.json`` path or ``?format=json``."""
    return request.url.path.endswith(JSON_SUFFIX) or (
        request.query_params.get("format") == "json"
    )


def json_response(document: dict[str, Any], status_code: int = 200) -> Response:
    """A JSON response of a view, with exact decimals and ISO dates."""
    body = json.dumps(plain(document), ensure_ascii=False, sort_keys=True)
    return Response(body, status_code=status_code, media_type="application/json")


def render(
    request: Request, name: str, view: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """An HTML page from a template, with who is signed in and the form token."""
    html = templates().get_template(name).render(view=view, **page_context(request))
    return HTMLResponse(html, status_code=status_code)


def page_context(request: Request, here: str | None = None) -> dict[str, Any]:
    """What every template needs besides its view: the user, the form token,
    where forms return to, and the choices of the action form."""
    user = current_user(request)
    return {
        "user": user,
        "can_record": user is not None,
        "sign_in_offered": bool(config_of(request).users.hashes),
        "csrf": csrf_token(request),
        "here": here or _here(request),
        "decisions": DECISIONS,
        "editable": True,
    }


def message(request: Request, status_code: int, title: str, text: str) -> Response:
    """A short page (or JSON, or plain text for the page's script) that says
    what went wrong and what to do."""
    accept = request.headers.get("accept", "")
    if wants_json(request) or "application/json" in accept:
        return json_response({"error": title, "message": text}, status_code)
    if request.headers.get("x-requested-with") == "fetch":
        return PlainTextResponse(f"{title}: {text}", status_code=status_code)
    view = {"title": title, "text": text}
    return render(request, "message.html.j2", view, status_code)


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def read_denied(request: Request) -> Response | None:
    """None when the visitor may read; else a redirect to sign in (or 401)."""
    if config_of(request).read_open or current_user(request) is not None:
        return None
    if wants_json(request):
        return json_response({"error": "sign-in required"}, 401)
    target = quote(_here(request), safe="")
    return RedirectResponse(f"/login?next={target}", status_code=303)


@router.get("/")
def home() -> Response:
    """The review page is the home page."""
    return RedirectResponse("/review", status_code=303)


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon: answered without content, so browsers stop asking."""
    return Response(status_code=204)


@router.get("/review")
@router.get("/review.json")
def review_page(request: Request) -> Response:
    """The weekly review: scoreboard, shipping this period, triage and rules."""
    denied = read_denied(request)
    if denied is not None:
        return denied
    review = review_of(request)
    filters = Filters.from_query(dict(request.query_params))
    view = review_view(review.report(), filters, review.known_people())
    if wants_json(request):
        return json_response(view)
    return render(request, "review.html.j2", view)


@router.get("/line/{line_key:path}")
def line_page(request: Request, line_key: str) -> Response:
    """One line with every action recorded on it, newest first."""
    denied = read_denied(request)
    if denied is not None:
        return denied
    if request.url.path.endswith(JSON_SUFFIX):
        line_key = line_key.removesuffix(JSON_SUFFIX)
    review = review_of(request)
    report = review.report()
    view = line_detail_view(report, line_key, review.history(line_key))
    if not view["open"] and not view["history"]:
        return message(
            request,
            404,
            "Line not found",
            f"No open line '{line_key}' as of {report.as_of} and no actions on it.",
        )
    if wants_json(request):
        return json_response(view)
    view["people"] = review.known_people()
    return render(request, "line.html.j2", view)


@router.get("/login")
def login_page(request: Request) -> Response:
    """The sign-in form."""
    next_path = safe_return_path(request.query_params.get("next"), "/review")
    return render(request, "login.html.j2", {"next": next_path, "error": ""})


@router.post("/login")
async def login(request: Request) -> Response:
    """Check name and password against the users file and start a session."""
    await check_csrf(request)
    form = await request.form()
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    next_path = safe_return_path(str(form.get("next", "")), "/review")
    guard: SignInGuard = request.app.state.guard
    users: Users = config_of(request).users

    if guard.locked(name):
        error = "Too many wrong passwords for this name; wait 15 minutes."
        view = {"next": next_path, "error": error}
        return render(request, "login.html.j2", view, 429)

    if not await run_in_threadpool(users.verify, name, password):
        guard.failed(name)
        view = {"next": next_path, "error": "Unknown name or wrong password."}
        return render(request, "login.html.j2", view, 401)

    guard.succeeded(name)
    start_session(request, name.strip())
    return RedirectResponse(next_path, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session."""
    await check_csrf(request)
    start_session(request, None)
    return RedirectResponse("/review", status_code=303)
