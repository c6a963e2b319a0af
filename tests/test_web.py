"""The weekly review page, driven in-process through the web test client.

The store holds two weekly imports of four hand-counted lines (as of
2026-11-30, week 2026-W49 = Nov 30 - Dec 6):

    1001/10  Acme Pumps         blocked (credit hold)  12 x 100 = 1,200.00
             (10 on Nov 23, raised to 12 on Nov 30: it moved on Nov 30)
    1002/10  <script>...        blocked (credit hold)   5 x  20 =   100.00
    1003/10  Baltic Valves      released, confirmed Dec 2 (bucket A) 150.00
    1004/10  Baltic Valves      pending                 1 x  10 =    10.00

Open orders 4 lines, 1,460.00; blocked 2 lines, 1,300.00; bucket A 150.00.
"""

from __future__ import annotations

import re
import shutil
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backlogdesk.store.database import Store
from backlogdesk.web.app import WebConfig, create_app
from backlogdesk.web.auth import Users, hash_password, load_users
from conftest import run_cli
from history_kit import import_week, line

XSS_NAME = "<script>alert(1)</script>"
PASSWORDS = {"anna": "anna-password", "bob": "bob-password"}
# Actions are recorded on Nov 25, between the two imports.
PROMISE_TIME = datetime(2026, 11, 25, 10, 30)
BASE_URL = "http://127.0.0.1"


def _week(qty_1001: str) -> list[dict[str, str]]:
    return [
        line("1001", customer="Acme Pumps", qty=qty_1001, status="hold", block="CR"),
        line("1002", customer=XSS_NAME, qty="5", price="20", status="hold", block="CR"),
        line(
            "1003",
            customer="Baltic Valves",
            qty="3",
            price="50",
            confirmed="2026-12-02",
        ),
        line("1004", customer="Baltic Valves", qty="1", price="10", status="pending"),
    ]


def build_review_store(folder: Path) -> Path:
    """Import the two hand-counted weeks into folder/store.duckdb."""
    import_week(folder, "2026-11-23", _week("10"))
    import_week(folder, "2026-11-30", _week("12"))
    return folder / "store.duckdb"


def review_users() -> Users:
    """Anna and Bob, with scrypt hashes of their passwords."""
    return Users({name: hash_password(pw) for name, pw in PASSWORDS.items()})


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two weekly imports, built once; each test works on a copy."""
    return build_review_store(tmp_path_factory.mktemp("review-store"))


@pytest.fixture(scope="module")
def users() -> Users:
    """Anna and Bob, who may sign in."""
    return review_users()


@pytest.fixture
def store(built_store: Path, tmp_path: Path) -> Any:
    """A private copy of the store, open for one test."""
    path = tmp_path / "store.duckdb"
    shutil.copy(built_store, path)
    with Store(path) as opened:
        yield opened


def make_client(store: Store, users: Users, **options: Any) -> TestClient:
    """A test client for an app on ``store``; options override the config."""
    config = WebConfig(store=store, users=users, clock=lambda: PROMISE_TIME)
    for name, value in options.items():
        setattr(config, name, value)
    return TestClient(create_app(config), base_url=BASE_URL)


@pytest.fixture
def client(store: Store, users: Users) -> TestClient:
    """An anonymous visitor of the review page."""
    return make_client(store, users)


def form_token(client: TestClient, path: str = "/login") -> str:
    """The form token of the visitor's session, as a page carries it."""
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "the page carries no form token"
    return found.group(1)


def sign_in(client: TestClient, name: str) -> str:
    """Sign ``name`` in; return the new session's form token."""
    response = client.post(
        "/login",
        data={
            "csrf_token": form_token(client, "/login"),
            "name": name,
            "password": PASSWORDS[name],
            "next": "/review",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return form_token(client)


def action_form(token: str, line_key: str, expected: int, **entry: str) -> dict:
    """The fields the page's action form posts."""
    return {
        "csrf_token": token,
        "line_key": line_key,
        "expected_version": str(expected),
        "return_to": "/review",
        "anchor": "blocked",
        **entry,
    }


def rows_by_key(document: dict, section: str) -> dict[str, dict]:
    """The rows of one triage section of the review JSON, by line key."""
    (found,) = [s for s in document["triage"] if s["name"] == section]
    return {row["line_key"]: row for row in found["rows"]}


def test_review_page_follows_the_agenda_and_says_budget_not_provided(client):
    page = client.get("/review")

    assert page.status_code == 200
    text = page.text
    order = [
        "Budget scoreboard",
        "Released backlog shipping this period",
        "A — confirmed ship date",
        "B — estimated ship date",
        "Open orders triage",
        "Blocked (bucket D)",
    ]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "Budget: not provided" in text
    assert "1,460.00" in text


def test_review_json_twin_holds_the_hand_counted_numbers(client):
    document = client.get("/review.json").json()

    assert document == client.get("/review?format=json").json()
    assert document["as_of"] == "2026-11-30"
    assert document["period"]["key"] == "2026-W49"
    assert document["numbers"]["open_orders"]["value"] == "1460.00"
    assert document["numbers"]["open_orders"]["lines"] == 4
    assert document["numbers"]["blocked"]["value"] == "1300.00"
    assert document["scoreboard"]["budget_provided"] is False
    shipping = {bucket["bucket"]: bucket for bucket in document["shipping"]}
    assert [row["line_key"] for row in shipping["A"]["rows"]] == ["1003/10"]
    assert shipping["A"]["box"]["value"] == "150.00"
    assert shipping["B"]["rows"] == []
    blocked = rows_by_key(document, "blocked")
    assert set(blocked) == {"1001/10", "1002/10"}
    assert blocked["1001/10"]["open_value"] == "1200.00"
    assert blocked["1001/10"]["owning_function"] == "finance"
    assert blocked["1001/10"]["unassigned"] is True
    assert set(rows_by_key(document, "pending")) == {"1004/10"}


def test_fired_rules_show_measured_value_threshold_and_action(client):
    rules = {rule["code"]: rule for rule in client.get("/review.json").json()["rules"]}

    blocked = rules["blocked_without_owner"]
    assert blocked["fired"] is True
    assert blocked["measured"] == "2"
    assert blocked["action"].startswith("Name a person")
    assert sorted(blocked["line_keys"]) == ["1001/10", "1002/10"]
    assert rules["revenue_green_units_margin_red"]["evaluated"] is False
    page = client.get("/review").text
    assert "Blocked line without owner or next update date" in page
    assert "2 lines" in page


def test_filters_narrow_the_triage_lines(client):
    def blocked_keys(query: str) -> set[str]:
        return set(rows_by_key(client.get(f"/review.json?{query}").json(), "blocked"))

    assert blocked_keys("customer=acme") == {"1001/10"}
    assert blocked_keys("function=finance") == {"1001/10", "1002/10"}
    assert blocked_keys("function=sales") == set()
    assert blocked_keys("owner=Nobody") == set()


def test_anonymous_post_is_refused_and_records_nothing(client):
    token = form_token(client)

    response = client.post("/actions", data=action_form(token, "1001/10", 0, owner="X"))

    assert response.status_code == 401
    assert client.get("/line/1001/10.json").json()["history"] == []


def test_post_without_or_with_a_wrong_form_token_is_refused(client):
    sign_in(client, "anna")
    fields = action_form("", "1001/10", 0, owner="Dana")

    missing = client.post("/actions", data={k: v for k, v in fields.items() if v})
    wrong = client.post("/actions", data={**fields, "csrf_token": "forged"})

    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert client.get("/line/1001/10.json").json()["history"] == []


def test_signed_in_user_records_an_action_and_the_json_shows_it(client):
    token = sign_in(client, "anna")

    response = client.post(
        "/actions",
        data=action_form(
            token,
            "1001/10",
            0,
            owner="Dana Whitfield",
            next_update="2026-12-11",
            decision="unblock",
            note="credit limit raised",
        ),
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/review#blocked"
    row = rows_by_key(client.get("/review.json").json(), "blocked")["1001/10"]
    assert row["action_owner"] == "Dana Whitfield"
    assert row["next_update"] == "2026-12-11"
    assert row["decision"] == "unblock"
    assert row["action_version"] == 1
    assert row["unassigned"] is False
    assert row["overdue"] is False
    (entry,) = client.get("/line/1001/10.json").json()["history"]
    assert entry["recorded_by"] == "anna"
    assert entry["recorded_at"] == "2026-11-25T10:30:00"


def test_second_writer_gets_409_with_the_first_entry_which_stays(store, users):
    anna, bob = make_client(store, users), make_client(store, users)
    anna_token, bob_token = sign_in(anna, "anna"), sign_in(bob, "bob")
    first = action_form(
        anna_token, "1001/10", 0, owner="Dana", next_update="2026-12-11"
    )
    assert anna.post("/actions", data=first, follow_redirects=False).status_code == 303

    late = action_form(bob_token, "1001/10", 0, owner="Erik", next_update="2026-12-18")
    page = bob.post("/actions", data=late)
    as_json = bob.post("/actions?format=json", data=late)

    assert page.status_code == 409
    assert "someone else recorded this line first" in page.text
    assert "Dana" in page.text and "anna" in page.text
    assert 'value="Erik"' in page.text  # Bob's entry is kept to send again
    assert as_json.status_code == 409
    assert as_json.json()["theirs"]["owner"] == "Dana"
    assert as_json.json()["theirs"]["version"] == 1
    history = anna.get("/line/1001/10.json").json()["history"]
    assert [(e["version"], e["owner"]) for e in history] == [(1, "Dana")]


def test_the_page_script_gets_the_updated_row_to_swap_in(client):
    token = sign_in(client, "anna")
    headers = {"X-Requested-With": "fetch", "X-Return-To": "/review?function=finance"}

    saved = client.post(
        "/actions", headers=headers, data=action_form(token, "1002/10", 0, owner="Dana")
    )
    stale = client.post(
        "/actions", headers=headers, data=action_form(token, "1002/10", 0, owner="Erik")
    )

    assert saved.status_code == 200
    assert saved.text.strip().startswith("<tr")
    assert 'name="expected_version" value="1"' in saved.text
    assert 'value="/review?function=finance"' in saved.text
    assert stale.status_code == 409
    assert 'class="conflict"' in stale.text


def test_overdue_next_update_is_flagged(client):
    token = sign_in(client, "anna")
    client.post(
        "/actions",
        data=action_form(token, "1001/10", 0, owner="Dana", next_update="2026-11-20"),
    )

    row = rows_by_key(client.get("/review.json").json(), "blocked")["1001/10"]

    assert row["overdue"] is True
    assert "overdue" in client.get("/review").text


def test_bad_entries_are_refused_with_a_message(client):
    token = sign_in(client, "anna")

    bad_date = client.post(
        "/actions", data=action_form(token, "1001/10", 0, next_update="11/12")
    )
    bad_decision = client.post(
        "/actions", data=action_form(token, "1001/10", 0, decision="pray")
    )
    unknown = client.post("/actions", data=action_form(token, "9999/10", 0))

    assert bad_date.status_code == 400
    assert "2026-12-11" in bad_date.text
    assert bad_decision.status_code == 400
    assert unknown.status_code == 404


def test_line_page_lists_every_version_and_whether_the_line_moved(client):
    token = sign_in(client, "anna")
    for version, owner in enumerate(["Dana", "Erik"]):
        client.post(
            "/actions", data=action_form(token, "1001/10", version, owner=owner)
        )
    client.post("/actions", data=action_form(token, "1003/10", 0, owner="Dana"))

    moved = client.get("/line/1001/10.json").json()
    still = client.get("/line/1003/10?format=json").json()

    # 1001/10 changed quantity on Nov 30, after the promises of Nov 25.
    assert [e["version"] for e in moved["history"]] == [2, 1]
    assert [e["owner"] for e in moved["history"]] == ["Erik", "Dana"]
    assert all(entry["moved_since"] is True for entry in moved["history"])
    # 1003/10 has not changed since its first import on Nov 23.
    assert still["history"][0]["moved_since"] is False
    page = client.get("/line/1001/10")
    assert page.status_code == 200
    assert "Erik" in page.text and "moved" in page.text
    assert client.get("/line/nope/1").status_code == 404


def test_customer_name_with_a_script_tag_renders_as_text(client):
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"

    for path in ("/review", "/line/1002/10"):
        text = client.get(path).text
        assert escaped in text
        assert XSS_NAME not in text


def test_security_headers_are_on_every_response(client):
    responses = [
        client.get("/review"),
        client.get("/review.json"),
        client.get("/login"),
        client.get("/static/review.css"),
        client.post("/actions", data={}),
    ]

    for response in responses:
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy
        assert "http" not in policy and "*" not in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert responses[-1].status_code == 403


def test_a_foreign_host_name_is_refused(client):
    # A page on a rebound DNS name must not read the loopback server.
    response = client.get("/review.json", headers={"Host": "evil.example"})

    assert response.status_code == 400


def test_session_cookie_is_http_only_and_same_site_strict(client):
    cookie = client.get("/review").headers["set-cookie"].lower()

    assert "httponly" in cookie
    assert "samesite=strict" in cookie


def test_wrong_password_is_refused_and_repeated_failures_lock_the_name(client):
    def attempt(password: str) -> int:
        fields = {
            "csrf_token": form_token(client, "/login"),
            "name": "anna",
            "password": password,
            "next": "/review",
        }
        return client.post("/login", data=fields, follow_redirects=False).status_code

    assert [attempt("wrong") for _ in range(5)] == [401] * 5
    assert attempt(PASSWORDS["anna"]) == 429


def test_reading_needs_sign_in_when_not_on_loopback(store, users):
    client = make_client(store, users, read_open=False)

    assert client.get("/review", follow_redirects=False).status_code == 303
    assert client.get("/review.json").status_code == 401
    sign_in(client, "anna")
    assert client.get("/review.json").status_code == 200


def test_identity_header_counts_only_from_a_trusted_proxy(store, users):
    # The test client's peer address is "testclient".
    trusted = make_client(
        store, users, identity_header="X-Remote-User", trusted_proxies=("testclient",)
    )
    untrusted = make_client(
        store, users, identity_header="X-Remote-User", trusted_proxies=("10.0.0.1",)
    )
    who = {"X-Remote-User": "carl"}

    refused = untrusted.post(
        "/actions", headers=who, data=action_form(form_token(untrusted), "1001/10", 0)
    )
    recorded = trusted.post(
        "/actions",
        headers=who,
        follow_redirects=False,
        data=action_form(form_token(trusted), "1001/10", 0),
    )

    assert refused.status_code == 401
    assert recorded.status_code == 303
    (entry,) = trusted.get("/line/1001/10.json").json()["history"]
    assert entry["recorded_by"] == "carl"


def test_serve_binds_loopback_by_default(built_store, monkeypatch):
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))

    result = run_cli("serve", "--db", built_store)

    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1"
    assert calls[0]["port"] == 8765
    assert "http://127.0.0.1:8765/review" in result.output


def test_users_add_stores_a_salted_scrypt_hash_for_the_owner_only(tmp_path):
    path = tmp_path / "users.txt"

    added = CliRunnerWithInput("correct horse\n").run(
        "users", "add", "anna", "--users", path, "--password-stdin"
    )
    CliRunnerWithInput("another secret\n").run(
        "users", "add", "bob", "--users", path, "--password-stdin"
    )

    assert added.exit_code == 0, added.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "correct horse" not in text
    loaded = load_users(path)
    assert loaded.verify("anna", "correct horse")
    assert not loaded.verify("anna", "another secret")
    assert loaded.hashes["anna"].startswith("scrypt$")
    assert hash_password("same") != hash_password("same")  # salted


def test_pack_freezes_the_review_and_action_list_as_html_and_pdf(built_store, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copy(built_store, path)
    with Store(path) as store:
        from backlogdesk.store.actions import record_action

        entry = {
            "owner": "Dana",
            "next_update": date(2026, 12, 11),
            "decision": "unblock",
            "note": "limit raised",
        }
        record_action(store, "1001/10", 0, entry, "anna", PROMISE_TIME)

    result = run_cli("pack", "--db", path, "--as-of", "2026-11-30", "--out", tmp_path)

    assert result.exit_code == 0, result.output
    (html_path,) = tmp_path.glob("review-2026-11-30-presented-*Z.html")
    (pdf_path,) = tmp_path.glob("review-2026-11-30-presented-*Z.pdf")
    stamp = re.search(r"presented-(\d{8}T\d{6})Z", html_path.name).group(1)
    frozen = datetime.strptime(stamp, "%Y%m%dT%H%M%S")
    html = html_path.read_text(encoding="utf-8")
    assert f"Frozen as presented on <strong>{frozen:%Y-%m-%d %H:%M:%S} UTC" in html
    assert "Action list" in html and "limit raised" in html
    assert "&lt;script&gt;" in html and XSS_NAME not in html
    assert "<form" not in html
    assert pdf_path.read_bytes().startswith(b"%PDF")


class CliRunnerWithInput:
    """Runs the command line in-process with text on standard input."""

    def __init__(self, text: str) -> None:
        self.text = text

    def run(self, *args: Any) -> Any:
        from click.testing import CliRunner

        from backlogdesk.cli import main

        return CliRunner().invoke(main, [str(a) for a in args], input=self.text)
