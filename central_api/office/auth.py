"""Sign-in, sessions, roles and CSRF for the office.

* Passwords: argon2id hashes (:mod:`central_api.users`); an unknown name costs the same hash
  check as a wrong password, so timing does not tell which names exist. A hash made under
  another ``CENTRAL_ARGON2`` still signs in, and is made again with the setting in force.
* Backoff and lockout, per user name, in the database: the first :data:`FREE_FAILURES` wrong
  passwords cost nothing; each further one closes the door for twice as long as the one before
  (2 s, 4 s, ... 64 s); at :data:`LOCKOUT_FAILURES` the name is locked for
  :data:`LOCKOUT_MINUTES`. A success clears the count. Every sign-in, failure and lockout is
  written to the audit log.
* Sessions: a random token in the signed cookie, its SHA-256 in ``office_sessions``; a session
  ends after ``OFFICE_SESSION_IDLE_MINUTES`` without a request, after ``OFFICE_SESSION_HOURS``
  in any case, at sign-out, and when the user is disabled.
* Roles: :data:`ACCESS` maps every endpoint of the blueprint to the roles that may use it;
  :func:`guard` (run before every office request) refuses anything not listed there.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import delete, insert, select, update

from ..audit import record as audit_record
from ..db import read, write
from ..db.schema import users
from ..passwords import password_hasher, timing_hash
from .blueprint import bp, csrf
from .i18n import counted, flash_t, refuse_control_characters
from .roles import ACCESS, COUNCIL_ROLES, PUBLIC, ROLES, access
from .tables import office_sessions, office_sign_in_failures

FREE_FAILURES = 3
LOCKOUT_FAILURES = 10
LOCKOUT_MINUTES = 15
TOUCH_EVERY = timedelta(seconds=60)

LANDING = {
    "clerk": "office.queue",
    "admin": "office.queue",
    "auditor": "office.audit",
    "councillor": "council_hall.tablet",
    "council_chair": "council_hall.chair",
    "council_secretary": "council_hall.secretary",
    "registrar": "office.register_search",
}


def engine():
    return current_app.extensions["central"].engine


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor() -> str:
    return f"{g.user['role']}:{g.user['name']}"


# -- every request -------------------------------------------------------------------------


@bp.before_request
def guard():
    if request.endpoint == "office.static":
        return None  # stylesheets and icons need no session (and no database)
    g.user = _current_user()
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    allowed = ACCESS.get(request.endpoint or "")
    if allowed is None:
        abort(404)
    if PUBLIC in allowed:
        return None
    if g.user is None:
        return redirect(url_for("office.sign_in", next=request.full_path.rstrip("?")))
    if g.user["role"] not in allowed:
        abort(403)
    return None


def _current_user() -> dict | None:
    token = session.get("sid")
    if not token:
        return None
    moment = now()
    idle = timedelta(minutes=current_app.config["OFFICE_SESSION_IDLE_MINUTES"])
    with read(engine()) as conn:
        row = (
            conn.execute(
                select(office_sessions, users.c.role, users.c.disabled)
                .join(users, users.c.name == office_sessions.c.user_name)
                .where(office_sessions.c.token_hash == _token_hash(token))
            )
            .mappings()
            .first()
        )
    if (
        row is None
        or row["disabled"]
        or parse(row["expires_at"]) <= moment
        or parse(row["last_seen_at"]) + idle <= moment
    ):
        if row is not None:
            _end_session(token)
        session.pop("sid", None)
        flash_t("session_expired", "info")  # shown on the sign-in page this leads to
        return None
    if parse(row["last_seen_at"]) + TOUCH_EVERY <= moment:
        with write(engine()) as conn:
            conn.execute(
                update(office_sessions)
                .where(office_sessions.c.token_hash == row["token_hash"])
                .values(last_seen_at=iso(moment))
            )
    return {"name": row["user_name"], "role": row["role"]}


def signed_in_user() -> dict | None:
    """The user of this browser's office session, for the blueprints that share the sign-in
    (the council's hall pages)."""
    return _current_user()


def _end_session(token: str) -> None:
    with write(engine()) as conn:
        conn.execute(
            delete(office_sessions).where(office_sessions.c.token_hash == _token_hash(token))
        )


# -- signing in and out --------------------------------------------------------------------


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the office: never send a freshly signed-in clerk elsewhere."""
    if not target:
        return None
    refuse_control_characters(target)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/office/"):
        return None
    return target


def wait_seconds(failures: int) -> int:
    """How long the door stays shut after ``failures`` wrong passwords in a row."""
    if failures <= FREE_FAILURES:
        return 0
    if failures >= LOCKOUT_FAILURES:
        return LOCKOUT_MINUTES * 60
    return 2 ** (failures - FREE_FAILURES)


def attempt_sign_in(name: str, password: str) -> tuple[dict | None, str | None, int]:
    """(user, None, 0) on success, else (None, reason, seconds to wait). Reasons: ``wrong``,
    ``locked``."""
    name = name.strip()[:100]
    moment = now()
    with write(engine()) as conn:
        failure = (
            conn.execute(
                select(office_sign_in_failures).where(office_sign_in_failures.c.user_name == name)
            )
            .mappings()
            .first()
        )
        if failure and failure["locked_until"] and parse(failure["locked_until"]) > moment:
            left = int((parse(failure["locked_until"]) - moment).total_seconds()) + 1
            return None, "locked", left
        user = conn.execute(select(users).where(users.c.name == name)).mappings().first()
        if _password_matches(user, password):
            conn.execute(
                delete(office_sign_in_failures).where(office_sign_in_failures.c.user_name == name)
            )
            if password_hasher().check_needs_rehash(user["password_hash"]):
                # Made under another CENTRAL_ARGON2: the password is at hand, so it takes the
                # setting in force now.
                conn.execute(
                    update(users)
                    .where(users.c.id == user["id"])
                    .values(password_hash=password_hasher().hash(password))
                )
            audit_record(conn, f"{user['role']}:{name}", "office.signed_in", name)
            return {"name": name, "role": user["role"]}, None, 0
        failures = (failure["failures"] if failure else 0) + 1
        wait = wait_seconds(failures)
        values = {
            "failures": failures,
            "last_failure_at": iso(moment),
            "locked_until": iso(moment + timedelta(seconds=wait)) if wait else None,
        }
        if failure:
            conn.execute(
                update(office_sign_in_failures)
                .where(office_sign_in_failures.c.user_name == name)
                .values(**values)
            )
        else:
            conn.execute(insert(office_sign_in_failures).values(user_name=name, **values))
        details = {"failures": failures, "address": request.remote_addr}
        audit_record(conn, "anonymous", "office.sign_in_failed", name, details)
        if failures == LOCKOUT_FAILURES:
            audit_record(conn, "system", "office.locked_out", name, {"minutes": LOCKOUT_MINUTES})
        return None, "locked" if failures >= LOCKOUT_FAILURES else "wrong", wait


def _password_matches(user, password: str) -> bool:
    try:
        if user is None or user["disabled"]:
            password_hasher().verify(timing_hash(), password + "x")
            return False
        return password_hasher().verify(user["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return False


def start_session(user: dict) -> None:
    token = secrets.token_urlsafe(32)
    moment = now()
    hours = current_app.config["OFFICE_SESSION_HOURS"]
    with write(engine()) as conn:
        # Sweep sessions that ended without a sign-out, so the table holds live ones only.
        conn.execute(delete(office_sessions).where(office_sessions.c.expires_at < iso(moment)))
        conn.execute(
            insert(office_sessions).values(
                token_hash=_token_hash(token),
                user_name=user["name"],
                created_at=iso(moment),
                last_seen_at=iso(moment),
                expires_at=iso(moment + timedelta(hours=hours)),
            )
        )
    language = session.get("lang")
    session.clear()  # no fixation: a new cookie for the signed-in browser
    if language:
        session["lang"] = language
    session["sid"] = token


@bp.route("/sign-in", methods=["GET", "POST"])
@access(PUBLIC)
def sign_in():
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if g.user:
            return redirect(target or url_for(LANDING[g.user["role"]]))
        return render_template("office/sign_in.html", next=target, name="")
    name = request.form.get("name", "")
    user, reason, wait = attempt_sign_in(name, request.form.get("password", ""))
    if user is None:
        if reason == "locked":
            flash_t("sign_in_locked", "error", wait=counted(wait, "second"))
        elif wait:
            flash_t("sign_in_wrong_wait", "error", wait=counted(wait, "second"))
        else:
            flash_t("sign_in_wrong", "error")
        return render_template("office/sign_in.html", next=target, name=name), 401
    start_session(user)
    return redirect(target or url_for(LANDING[user["role"]]))


@bp.post("/sign-out")
@access(*ROLES, *COUNCIL_ROLES)
def sign_out():
    token = session.get("sid")
    if token:
        _end_session(token)
    with write(engine()) as conn:
        audit_record(conn, actor(), "office.signed_out", g.user["name"])
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash_t("signed_out", "info")
    return redirect(url_for("office.sign_in"))


@bp.get("/")
@access(PUBLIC)
def home():
    if g.user is None:
        return redirect(url_for("office.sign_in"))
    return redirect(url_for(LANDING[g.user["role"]]))
