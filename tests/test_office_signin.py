"""Signing in to the office: argon2 hashes, backoff and lockout, sessions that end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from central_api.db import read, write
from central_api.db.schema import audit_log, users
from central_api.office.auth import FREE_FAILURES, LOCKOUT_FAILURES, wait_seconds
from central_api.office.tables import office_sessions, office_sign_in_failures


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _actions(central) -> list[str]:
    with read(central.engine) as conn:
        return list(conn.execute(select(audit_log.c.action).order_by(audit_log.c.id)).scalars())


def _unlock(central, name: str) -> None:
    """Move the lock into the past, as waiting would."""
    past = _stamp(datetime.now(UTC) - timedelta(seconds=1))
    with write(central.engine) as conn:
        conn.execute(
            update(office_sign_in_failures)
            .where(office_sign_in_failures.c.user_name == name)
            .values(locked_until=past)
        )


def test_passwords_are_kept_only_as_argon2id_hashes(central, office_users):
    with read(central.engine) as conn:
        hashes = list(conn.execute(select(users.c.password_hash)).scalars())
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any("pass-1" in h for h in hashes)


def test_a_right_password_signs_in_and_is_audited(central, office_client):
    clerk = office_client(None)
    answer = clerk.sign_in("maria", "maria-pass-1")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/office/queue")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "office.signed_in" in _actions(central)


def test_the_auditor_lands_on_the_audit_log(office_client):
    auditor = office_client(None)
    answer = auditor.sign_in("petar", "petar-pass-1")
    assert answer.headers["Location"].endswith("/office/audit")


def test_wrong_passwords_back_off_then_lock_out(central, office_client):
    visitor = office_client(None)
    for _ in range(FREE_FAILURES):
        answer = visitor.sign_in("maria", "wrong-password")
        assert answer.status_code == 401
    # The next failure shuts the door for a while: even the right password waits.
    answer = visitor.sign_in("maria", "wrong-password")
    assert "2" in answer.get_data(as_text=True)
    refused = visitor.sign_in("maria", "maria-pass-1")
    assert refused.status_code == 401
    assert "заключен" in refused.get_data(as_text=True)
    for _ in range(FREE_FAILURES + 1, LOCKOUT_FAILURES):
        _unlock(central, "maria")
        visitor.sign_in("maria", "wrong-password")
    with read(central.engine) as conn:
        row = conn.execute(select(office_sign_in_failures)).mappings().one()
    assert row["failures"] == LOCKOUT_FAILURES
    locked_for = datetime.strptime(row["locked_until"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert locked_for - datetime.now(UTC) > timedelta(minutes=14)
    assert visitor.sign_in("maria", "maria-pass-1").status_code == 401
    actions = _actions(central)
    assert actions.count("office.sign_in_failed") == LOCKOUT_FAILURES
    assert "office.locked_out" in actions
    # Once the lock has passed, the right password works and the count starts again.
    _unlock(central, "maria")
    assert visitor.sign_in("maria", "maria-pass-1").status_code == 302
    with read(central.engine) as conn:
        assert conn.execute(select(func.count()).select_from(office_sign_in_failures)).scalar() == 0


def test_the_backoff_doubles_between_the_free_failures_and_the_lockout():
    assert [wait_seconds(n) for n in range(FREE_FAILURES + 1)] == [0] * (FREE_FAILURES + 1)
    waits = [wait_seconds(n) for n in range(FREE_FAILURES + 1, LOCKOUT_FAILURES)]
    assert waits[0] == 2 and all(b == 2 * a for a, b in zip(waits, waits[1:], strict=False))
    assert wait_seconds(LOCKOUT_FAILURES) == 15 * 60


def test_an_unknown_name_gets_the_same_answer_and_is_counted(central, office_client):
    visitor = office_client(None)
    unknown = visitor.sign_in("nobody", "whatever-1")
    wrong = visitor.sign_in("maria", "whatever-1")
    assert unknown.status_code == wrong.status_code == 401
    with read(central.engine) as conn:
        names = set(conn.execute(select(office_sign_in_failures.c.user_name)).scalars())
    assert names == {"nobody", "maria"}


def test_an_idle_session_expires(central, office_client):
    clerk = office_client("clerk")
    assert clerk.get("/office/queue").status_code == 200
    with write(central.engine) as conn:
        conn.execute(
            update(office_sessions).values(
                last_seen_at=_stamp(datetime.now(UTC) - timedelta(minutes=31))
            )
        )
    answer = clerk.get("/office/queue")
    assert answer.status_code == 302 and "/office/sign-in" in answer.headers["Location"]
    page = clerk.get(answer.headers["Location"]).get_data(as_text=True)
    assert "изтече" in page


def test_a_session_ends_after_its_hours_however_busy(central, office_client):
    clerk = office_client("clerk")
    with write(central.engine) as conn:
        conn.execute(update(office_sessions).values(expires_at=_stamp(datetime.now(UTC))))
    assert clerk.get("/office/queue").status_code == 302


def test_signing_out_ends_the_session_everywhere(central_app, office_client):
    clerk = office_client("clerk")
    stolen = clerk.client.get_cookie("office_session").value
    clerk.post("/office/sign-out")
    thief = central_app.test_client()
    thief.set_cookie("office_session", stolen)
    assert thief.get("/office/queue").status_code == 302


def test_a_disabled_user_is_out_at_once(central, office_client):
    clerk = office_client("clerk")
    with write(central.engine) as conn:
        conn.execute(update(users).where(users.c.name == "maria").values(disabled=True))
    assert clerk.get("/office/queue").status_code == 302


def test_after_signing_in_you_go_where_you_were_going_but_never_off_site(office_client):
    visitor = office_client(None)
    visitor.refresh_token()
    answer = visitor.post(
        "/office/sign-in",
        {"name": "maria", "password": "maria-pass-1", "next": "/office/reports?weeks=4"},
    )
    assert answer.headers["Location"].endswith("/office/reports?weeks=4")
    visitor = office_client(None)
    answer = visitor.post(
        "/office/sign-in",
        {"name": "maria", "password": "maria-pass-1", "next": "https://evil.example/office/"},
    )
    assert answer.headers["Location"].endswith("/office/queue")


def test_every_process_on_a_home_signs_cookies_with_the_same_private_key(central_config):
    import stat
    from pathlib import Path

    from central_api import create_app

    first = create_app({**central_config, "TESTING": True})
    second = create_app({**central_config, "TESTING": True})
    key_file = Path(central_config["CENTRAL_HOME"]) / "keys" / "office-secret.key"
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) == 64 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir() if p.name.startswith(".office")] == []
    for app in (first, second):
        app.extensions["central"].dispose()
