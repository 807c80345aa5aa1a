"""Shared plumbing of the council's pages: who may open what, the signed-in user, errors.

Councillors, the chair and the secretary sign in at the office's sign-in page (the same
database sessions, :func:`central_api.office.auth.signed_in_user`); the council's blueprints
check roles with their own table (:data:`ACCESS`), filled by :func:`access`: an endpoint not in
it is refused to everyone. POSTs carry the office's CSRF token (a form field, or the
``X-CSRFToken`` header from the pages' scripts).
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for

from ..db import read
from .errors import CouncilError
from .members import councillor_of_user

PUBLIC = "public"
ACCESS: dict[str, tuple[str, ...]] = {}


def access(blueprint_name: str, *roles: str):
    def decorate(view):
        ACCESS[f"{blueprint_name}.{view.__name__}"] = roles
        return view

    return decorate


def engine():
    return current_app.extensions["central"].engine


def actor() -> str:
    return f"{g.user['role']}:{g.user['name']}"


def guard():
    """Run before every request of a council blueprint."""
    from ..office.auth import signed_in_user
    from ..office.blueprint import csrf

    if request.endpoint and request.endpoint.endswith(".static"):
        return None
    allowed = ACCESS.get(request.endpoint or "")
    if allowed is None:
        abort(404)
    g.user = None if allowed == (PUBLIC,) else signed_in_user()
    if PUBLIC in allowed:
        return None
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    if g.user is None:
        if request.accept_mimetypes.best == "application/json":
            abort(401)
        return redirect(url_for("office.sign_in", next=request.full_path.rstrip("?")))
    if g.user["role"] not in allowed:
        abort(403)
    return None


def my_member_id() -> int | None:
    """The councillor the signed-in user votes for, or None (a secretary)."""
    if g.user is None or g.user["role"] not in ("councillor", "council_chair"):
        return None
    with read(engine()) as conn:
        return councillor_of_user(conn, g.user["name"])["id"]


def council_error(error: CouncilError):
    """A refused act: JSON for the pages' scripts; for the secretary's forms, her page again with
    the message on top. The message is in both languages."""
    if request.method == "POST" and not request.is_json and g.get("user"):
        flash(error.message, "error")
        return redirect(url_for("council_hall.secretary"))
    return jsonify({"error": error.code, "message": error.message}), error.http_status
