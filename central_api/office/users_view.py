"""The administrator's page of office users: disable, enable, set a new password.

Each form calls one function of :mod:`central_api.users` (the same the ``central-api user``
commands call); disabling ends the user's sessions at once.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from .. import users as office_users
from ..db import read, write
from ..errors import CentralError
from .auth import actor, engine
from .blueprint import bp
from .i18n import flash_t
from .roles import access


@bp.get("/users")
@access("admin")
def users():
    with read(engine()) as conn:
        listed = office_users.list_users(conn)
    return render_template("office/users.html", users=listed)


@bp.post("/users/<name>/disable")
@access("admin")
def user_disable(name: str):
    return _change(
        lambda conn: office_users.set_disabled(conn, name, True, actor()),
        "done_user_disabled",
        name,
    )


@bp.post("/users/<name>/enable")
@access("admin")
def user_enable(name: str):
    return _change(
        lambda conn: office_users.set_disabled(conn, name, False, actor()),
        "done_user_enabled",
        name,
    )


@bp.post("/users/<name>/password")
@access("admin")
def user_password(name: str):
    password, again = request.form.get("password", ""), request.form.get("password_again", "")
    if password != again:
        flash_t("password_mismatch", "error")
        return redirect(url_for("office.users"))
    return _change(
        lambda conn: office_users.set_password(conn, name, password, actor()),
        "done_user_password",
        name,
    )


def _change(change, done_key: str, name: str):
    try:
        with write(engine()) as conn:
            change(conn)
    except CentralError as exc:
        flash_t("user_refused", "error", reason=exc.message)
        return redirect(url_for("office.users"))
    flash_t(done_key, "success", name=name)
    return redirect(url_for("office.users"))
