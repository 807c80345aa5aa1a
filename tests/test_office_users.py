"""Office users disabled, enabled and given new passwords (CLI and the administrator's page),
and the office cookie over HTTPS."""

from __future__ import annotations

from sqlalchemy import select

from central_api.db import read
from central_api.db.schema import audit_log


def _signed_in(client) -> bool:
    answer = client.get("/office/reports")
    return answer.status_code == 200


def test_disabling_a_user_ends_their_open_session_at_once(central, central_cli, office_client):
    clerk = office_client("clerk")
    assert _signed_in(clerk)
    result = central_cli("user", "disable", "maria")
    assert "1 session ended" in result.stdout
    answer = clerk.get("/office/reports")
    assert answer.status_code == 302 and "/office/sign-in" in answer.headers["Location"]
    assert clerk.sign_in("maria", "maria-pass-1").status_code == 401
    central_cli("user", "enable", "maria")
    assert clerk.sign_in("maria", "maria-pass-1").status_code == 302
    with read(central.engine) as conn:
        actions = set(conn.execute(select(audit_log.c.action)).scalars())
    assert {"user.disabled", "user.enabled"} <= actions


def test_a_new_password_from_stdin_replaces_the_old_one(central_cli, office_client):
    clerk = office_client("clerk")
    central_cli("user", "password", "maria", input="a-brand-new-secret\n")
    assert not _signed_in(clerk)  # a password change ends the sessions too
    assert clerk.sign_in("maria", "maria-pass-1").status_code == 401
    assert clerk.sign_in("maria", "a-brand-new-secret").status_code == 302


def test_a_too_short_password_or_an_unknown_user_is_one_clear_line(central_cli):
    short = central_cli("user", "password", "maria", input="short\n", ok=False)
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr
    unknown = central_cli("user", "disable", "nobody", ok=False)
    assert unknown.exit_code == 1 and "No user named 'nobody'" in unknown.stderr


def test_the_administrator_disables_a_clerk_on_the_users_page(office_client):
    clerk, admin = office_client("clerk"), office_client("admin")
    page = admin.get("/office/users").get_data(as_text=True)
    assert "maria" in page and "petar" in page
    admin.refresh_token("/office/users")
    assert admin.post("/office/users/maria/disable").status_code == 302
    assert not _signed_in(clerk)
    assert "спрян" in admin.get("/office/users").get_data(as_text=True)
    admin.post("/office/users/maria/enable")
    changed = admin.post(
        "/office/users/maria/password",
        data={"password": "maria-pass-2", "password_again": "maria-pass-2"},
    )
    assert changed.status_code == 302
    assert clerk.sign_in("maria", "maria-pass-2").status_code == 302


def test_a_clerk_cannot_open_the_users_page(office_client):
    assert office_client("clerk").get("/office/users").status_code == 403


def test_over_https_the_office_cookie_is_secure_and_host_prefixed(central_config, office_users):
    from central_api import create_app

    app = create_app({**central_config, "TESTING": True, "PUBLIC_HTTPS": True})
    client = app.test_client()
    client.get("/office/sign-in", base_url="https://central.test")
    page = client.get("/office/sign-in", base_url="https://central.test")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(
        "/office/sign-in",
        base_url="https://central.test",
        headers={"Referer": "https://central.test/office/sign-in"},  # CSRF over HTTPS checks it
        data={"csrf_token": token, "name": "maria", "password": "maria-pass-1"},
    )
    assert answer.status_code == 302
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("__Host-office_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    app.extensions["central"].dispose()
