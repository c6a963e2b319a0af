"""Form tokens, security headers and the session middleware of the review page.

Every form carries a token that lives in the visitor's signed session cookie;
a POST whose token does not match is refused with 403, so another site cannot
make a signed-in browser record actions. Every response carries headers that
forbid framing, sniffing, referrers and any script, style or image that does
not come from this server.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from fastapi.responses import PlainTextResponse

from backlogdesk.web.auth import SESSION_SECONDS, Sessions

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

Handler = Callable[[Request], Awaitable[Response]]


class CsrfRefused(Exception):
    """A POST came without the form token of the visitor's session."""


def new_session() -> dict[str, Any]:
    """An anonymous session with a fresh form token."""
    return {"user": None, "csrf": secrets.token_urlsafe(32)}


def session_of(request: Request) -> dict[str, Any]:
    """The visitor's session, as the middleware loaded it."""
    session: dict[str, Any] = request.state.session
    return session


def start_session(request: Request, user: str | None) -> None:
    """Sign ``user`` in (or out, with None) under a new form token, so a token
    seen before signing in is worthless afterwards."""
    request.state.session = {**new_session(), "user": user}
    request.state.session_changed = True


def csrf_token(request: Request) -> str:
    """The form token to put into every form of this visitor's pages."""
    return str(session_of(request)["csrf"])


async def check_csrf(request: Request) -> None:
    """Raise CsrfRefused unless the POST carries this session's form token."""
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else ""
    expected = csrf_token(request)
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused()


def csrf_refused_response(request: Request, _: Exception) -> Response:
    """403 for a POST without a valid form token."""
    return PlainTextResponse(
        "This form has expired or did not come from this page (missing or wrong "
        "form token). Reload the page and try again.",
        status_code=403,
    )


def safe_return_path(target: str | None, fallback: str) -> str:
    """``target`` when it is a path on this server, else ``fallback``: a form
    must not be able to send the browser to another site after saving."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(char) < 32 for char in target):
        return fallback
    return target


def session_middleware(
    sessions: Sessions, secure_cookies: bool = False
) -> Callable[[Request, Handler], Any]:
    """Middleware: load or start the session, add the security headers.

    ``secure_cookies`` marks the cookie HTTPS-only even when the request
    arrived over plain HTTP from a TLS-terminating proxy."""

    async def middleware(request: Request, call_next: Handler) -> Response:
        loaded = sessions.load(request.cookies.get(Sessions.cookie))
        request.state.session = loaded or new_session()
        request.state.session_changed = loaded is None

        response = await call_next(request)

        if request.state.session_changed:
            response.set_cookie(
                Sessions.cookie,
                sessions.dump(request.state.session),
                max_age=SESSION_SECONDS,
                httponly=True,
                samesite="strict",
                secure=secure_cookies or request.url.scheme == "https",
            )
        add_security_headers(response, request.url.path)
        return response

    return middleware


def add_security_headers(response: Response, path: str) -> None:
    """Set the security headers, and keep pages with form tokens out of caches."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    static = path.startswith("/static/")
    response.headers["Cache-Control"] = "no-cache" if static else "no-store"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, extra: tuple[str, ...]) -> tuple[str, ...]:
    """Host names the server answers to: loopback, the bound name, the given ones."""
    names = ["127.0.0.1", "localhost", *extra]
    if host in ("0.0.0.0", "::"):
        names += [socket.gethostname(), socket.getfqdn()]
    elif not is_loopback(host):
        names.append(host)
    return tuple(dict.fromkeys(names))
