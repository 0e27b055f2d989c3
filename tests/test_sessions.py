"""Sessions and accounts (issue 27): replayed cookies, lifetimes, equal sign-in work, the password policy, same-site
``next``, the token page never cached, the account commands, the per-account sign-in limit and trusted proxies."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from atlas.curation import accounts
from atlas.errors import BadParameter
from atlas.web import sessions
from atlas.web.db import connect
from tests.conftest import PASSWORD, csrf_from, signed_in_client

HUGE_ID = "99999999999999999999999"
NEW_PASSWORD = "a-new-long-passphrase-7"


def _db(app):
    return connect(app.config["DATABASE"])


def _cli(app, *args: str, stdin: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=stdin)


def _new_token(client, csrf: str) -> str:
    page = client.post("/account/tokens", data={"label": "script", "csrf_token": csrf})
    assert page.status_code == 201
    return re.search(r'id="qj-new-token">([^<]+)<', page.get_data(as_text=True)).group(1)


def _replay(app, cookie: str):
    """A fresh client that presents only a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def _signed_in(client) -> bool:
    """True when the client's session is accepted (the account page answers instead of redirecting to sign-in)."""
    resp = client.get("/account")
    assert resp.status_code in (200, 302), resp.status_code
    return resp.status_code == 200


def _login(client, name: str, password: str, query: str = "", headers: dict | None = None):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"name": name, "password": password, "csrf_token": token}
    return client.post("/login", query_string=query, data=data, headers=headers or {})


# ---------------------------------------------------------------- a session ends when it should


def test_cookie_replayed_after_logout_is_refused(curation_app):
    client, csrf = signed_in_client(curation_app, "editor1")
    cookie = client.get_cookie("session").value
    assert _signed_in(_replay(curation_app, cookie))  # the copy works while the session lives
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    replayed = _replay(curation_app, cookie)
    assert not _signed_in(replayed)
    assert replayed.get("/api/history").status_code == 401
    again, _csrf = signed_in_client(curation_app, "editor1")  # signing in again starts a new, valid session
    assert _signed_in(again)


@pytest.mark.parametrize(
    "command",
    [
        ("set-password", "editor1", "--password-stdin"),
        ("deactivate-user", "editor1"),
        ("set-role", "editor1", "admin"),
    ],
    ids=["password", "deactivation", "role"],
)
def test_account_change_ends_sessions_and_api_tokens(curation_app, command):
    client, csrf = signed_in_client(curation_app, "editor1")
    token = _new_token(client, csrf)
    cookie = client.get_cookie("session").value
    auth = {"Authorization": f"Token {token}"}
    assert curation_app.test_client().get("/api/history", headers=auth).status_code == 200
    result = _cli(curation_app, *command, stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "ended" in result.output
    assert not _signed_in(client) and not _signed_in(_replay(curation_app, cookie))
    assert curation_app.test_client().get("/api/history", headers=auth).status_code == 401
    row = _db(curation_app).execute("SELECT role, active FROM users WHERE name = 'editor1'").fetchone()
    fresh = curation_app.test_client()
    if command[0] == "set-password":
        assert _login(fresh, "editor1", PASSWORD).status_code == 401
        assert _login(fresh, "editor1", NEW_PASSWORD).status_code == 302
    elif command[0] == "deactivate-user":
        assert row["active"] == 0
        assert _login(fresh, "editor1", PASSWORD).status_code == 401
    else:
        assert row["role"] == "admin"
        assert _login(fresh, "editor1", PASSWORD).status_code == 302 and _signed_in(fresh)


def test_account_commands_refuse_unknown_names_and_weak_passwords(curation_app):
    for args in (("deactivate-user", "nobody"), ("set-password", "nobody", "--password-stdin")):
        result = _cli(curation_app, *args, stdin=NEW_PASSWORD + "\n")
        assert result.exit_code != 0 and "no user 'nobody'" in result.output
    weak = _cli(curation_app, "set-password", "editor1", "--password-stdin", stdin="12345678\n")
    assert weak.exit_code != 0 and "common passwords" in weak.output
    assert _login(curation_app.test_client(), "editor1", PASSWORD).status_code == 302  # nothing changed


def _at(monkeypatch, now_s: int) -> None:
    monkeypatch.setattr(sessions, "now_s", lambda: now_s)


def test_idle_lifetime_ends_an_unused_session(curation_app, monkeypatch):
    curation_app.config.update(SESSION_IDLE_S=60, SESSION_ABSOLUTE_S=3600)
    _at(monkeypatch, 1_000_000)
    client, _csrf = signed_in_client(curation_app, "editor1")
    for now in (1_000_050, 1_000_100, 1_000_150):  # used every 50 s: each use counts as activity
        _at(monkeypatch, now)
        assert _signed_in(client), now
    _at(monkeypatch, 1_000_150 + 61)
    assert not _signed_in(client)


def test_absolute_lifetime_ends_a_session_in_use(curation_app, monkeypatch):
    curation_app.config.update(SESSION_IDLE_S=60, SESSION_ABSOLUTE_S=300)
    _at(monkeypatch, 2_000_000)
    client, _csrf = signed_in_client(curation_app, "editor1")
    for now in range(2_000_050, 2_000_301, 50):
        _at(monkeypatch, now)
        assert _signed_in(client), now
    _at(monkeypatch, 2_000_301)
    assert not _signed_in(client)


# ---------------------------------------------------------------- sign-in does the same work for every name


def test_unknown_and_deactivated_names_cost_one_hash_verification_as_real_ones(curation_app, monkeypatch):
    checked: list[str] = []
    real_check = accounts.check_password_hash

    def counting(stored: str, password: str) -> bool:
        checked.append(stored)
        return real_check(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    curation_app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    accounts.deactivate_user(_db(curation_app), "editor2")
    client = curation_app.test_client()
    for name in ("editor1", "no-such-user", "editor2"):
        assert _login(client, name, "wrong-password-9").status_code == 401
    assert len(checked) == 3
    real = _db(curation_app).execute("SELECT password_hash FROM users WHERE name = 'editor1'").fetchone()[0]
    cost = real.split("$")[0]  # method and work factors, e.g. scrypt:32768:8:1
    assert [stored.split("$")[0] for stored in checked] == [cost, cost, cost]
    assert checked[1] != real and checked[1] == checked[2]  # the dummy hash, for the unknown and the inactive


# ---------------------------------------------------------------- the password policy, wherever a password is set

WEAK = {
    "password": "common passwords",
    "12345678": "common passwords",
    "Password1": "common passwords",
    "qijiang123": "common passwords",
    " " * 8: "blank",
    "abababab": "repeated",
    "short7!": "at least 8",
    "{name}": "user name",
    "{NAME}-rocks": "user name",
}


@pytest.mark.parametrize("pattern", list(WEAK), ids=repr)
def test_weak_passwords_are_refused_with_the_reason_in_cli_and_code(curation_app, pattern):
    def weak(name: str) -> str:
        return pattern.format(name=name, NAME=name.upper())

    created = _cli(curation_app, "create-user", "planner42", "--role", "admin", stdin=weak("planner42"))
    assert created.exit_code != 0 and WEAK[pattern] in created.output, created.output
    assert _db(curation_app).execute("SELECT 1 FROM users WHERE name = 'planner42'").fetchone() is None
    changed = _cli(curation_app, "set-password", "hubs-only", stdin=weak("hubs-only"))
    assert changed.exit_code != 0 and WEAK[pattern] in changed.output, changed.output
    for write in (
        lambda db: accounts.create_user(db, "planner42", weak("planner42"), "editor"),
        lambda db: accounts.set_password(db, "hubs-only", weak("hubs-only")),
    ):
        with pytest.raises(BadParameter) as refused:
            write(_db(curation_app))
        assert refused.value.parameter == "password" and WEAK[pattern] in refused.value.message
    assert _login(curation_app.test_client(), "hubs-only", PASSWORD).status_code == 302  # the old password stands


def test_a_good_password_is_accepted_and_a_short_name_may_appear_in_it(curation_app):
    created = _cli(
        curation_app, "create-user", "ed", "--role", "editor", "--password-stdin", stdin="red-kettle-tuesday"
    )
    assert created.exit_code == 0, created.output
    assert _login(curation_app.test_client(), "ed", "red-kettle-tuesday").status_code == 302


# ---------------------------------------------------------------- next is a same-site path


@pytest.mark.parametrize(
    "query",
    [
        "next=/%09/evil.example/",
        "next=/%0d/evil.example",
        "next=/%0a/evil.example",
        "next=//evil.example",
        "next=https://evil.example",
        "next=https:evil.example",
        "next=/%5Cevil.example",
        "next=/%5C/evil.example",
        "next=%20//evil.example",
        "next=javascript:alert(1)",
    ],
)
def test_next_off_site_signs_in_and_stays_on_site(curation_app, query):
    curation_app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    resp = _login(curation_app.test_client(), "editor1", PASSWORD, query=query)
    assert resp.status_code == 302
    location = resp.headers["Location"]
    parts = urlsplit(location)
    assert location == "/" and not parts.netloc and not parts.scheme


def test_next_on_site_is_followed(curation_app):
    resp = _login(curation_app.test_client(), "editor1", PASSWORD, query="next=/history%3Flayer%3Dparks")
    assert resp.status_code == 302 and resp.headers["Location"] == "/history?layer=parks"


# ---------------------------------------------------------------- the new token is never cached


def test_the_page_showing_a_new_token_is_not_stored(curation_app):
    client, csrf = signed_in_client(curation_app, "editor1")
    page = client.post("/account/tokens", data={"label": "script", "csrf_token": csrf})
    assert page.status_code == 201 and 'id="qj-new-token"' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- sign-in limits: per account, per address, proxies


@pytest.fixture
def proxied_app(make_app, tmp_path, geodata_copy):
    """Factory: an app with one editor and these limit/proxy settings."""

    def factory(**config):
        app = make_app(GEODATA_DIR=str(geodata_copy), DATABASE=str(tmp_path / "db.sqlite3"), SECRET_KEY="k", **config)
        for name in ("admin1", "editor1"):
            accounts.create_user(_db(app), name, PASSWORD, "admin")
        return app

    return factory


def test_forty_guesses_at_one_account_from_four_addresses_are_stopped(proxied_app):
    app = proxied_app(TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="20 per minute", LOGIN_ACCOUNT_RATE_LIMIT="10 per minute")
    client = app.test_client()
    statuses = []
    for guess in range(40):
        forwarded = {"X-Forwarded-For": f"203.0.113.{guess % 4 + 1}"}
        statuses.append(_login(client, "admin1", f"guess-number-{guess}", headers=forwarded).status_code)
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429] * 30
    locked = _login(client, "admin1", PASSWORD, headers={"X-Forwarded-For": "203.0.113.9"})
    assert locked.status_code == 429  # the right password too, while the account's minute lasts
    other = _login(client, "editor1", PASSWORD, headers={"X-Forwarded-For": "203.0.113.1"})
    assert other.status_code == 302  # another account from an address that guessed is not blocked


def test_a_successful_sign_in_does_not_count_against_the_account(proxied_app):
    app = proxied_app(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    for _ in range(4):
        assert _login(app.test_client(), "admin1", PASSWORD).status_code == 302


@pytest.mark.parametrize("trusted", [0, 1])
def test_forwarded_for_is_believed_only_from_trusted_proxies(proxied_app, trusted):
    app = proxied_app(
        TRUSTED_PROXIES=trusted, LOGIN_RATE_LIMIT="5 per minute", LOGIN_ACCOUNT_RATE_LIMIT="99 per minute"
    )
    client = app.test_client()
    statuses = [
        _login(client, "admin1", "wrong-guess-00", headers={"X-Forwarded-For": f"198.51.100.{n % 4 + 1}"}).status_code
        for n in range(8)
    ]
    if trusted:
        assert statuses == [401] * 8  # four addresses, two tries each: under the limit of 5 per address
    else:
        assert statuses == [401] * 5 + [429] * 3  # the header is ignored: one address, limited after 5


# ---------------------------------------------------------------- ids beyond 64 bits name nothing


@pytest.mark.both_stores
@pytest.mark.parametrize("change_id", [HUGE_ID, str(2**63), "0"])
def test_ids_beyond_any_row_are_404_not_500(curation_app, change_id):
    client, csrf = signed_in_client(curation_app, "admin1")
    assert client.get(f"/history/{change_id}").status_code == 404
    assert client.post(f"/history/{change_id}/revert", data={"csrf_token": csrf}).status_code == 404
    revoked = client.post(f"/account/tokens/{change_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 404
    assert _signed_in(client)  # and nothing ended the session
