"""The administrator's page of officials: who signs documents, under which title and order,
for which services (:mod:`central_api.officials` holds the rules; this page only collects the
form and says what happened)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from sqlalchemy import select

from ..catalogues import current_catalogue
from ..db import read, write
from ..db.schema import users
from ..errors import CentralError
from ..officials import ALL_SERVICES, add_official, list_officials, remove_official
from .auth import actor, engine
from .blueprint import bp
from .i18n import flash_t
from .roles import CLERKS, access


@bp.get("/officials")
@access("admin")
def officials():
    with read(engine()) as conn:
        listed = list_officials(conn)
        signing = {official["user_name"] for official in listed}
        candidates = [
            name
            for name in conn.execute(
                select(users.c.name)
                .where(users.c.role.in_(CLERKS), users.c.disabled.is_(False))
                .order_by(users.c.name)
            ).scalars()
            if name not in signing
        ]
        services = (current_catalogue(conn) or {}).get("services", [])
    names = {service["id"]: service["name"] for service in services}
    return render_template(
        "office/officials.html",
        officials=listed,
        candidates=candidates,
        services=services,
        service_names=names,
    )


@bp.post("/officials/add")
@access("admin")
def officials_add():
    chosen = request.form.getlist("services")
    services = ALL_SERVICES if request.form.get("all_services") else ",".join(chosen)
    try:
        with write(engine()) as conn:
            official = add_official(
                conn,
                user_name=request.form.get("user", ""),
                names=request.form.get("names", ""),
                title=request.form.get("title", ""),
                order=request.form.get("order", "") or None,
                services=services,
                by=actor(),
            )
    except CentralError as exc:
        flash_t("action_failed", "error", message=exc.message)
        return redirect(url_for("office.officials"))
    flash_t("done_official_added", "success", name=official["names"])
    return redirect(url_for("office.officials"))


@bp.post("/officials/<user_name>/remove")
@access("admin")
def officials_remove(user_name: str):
    try:
        with write(engine()) as conn:
            official = remove_official(conn, user_name, actor())
    except CentralError as exc:
        flash_t("action_failed", "error", message=exc.message)
        return redirect(url_for("office.officials"))
    flash_t("done_official_removed", "success", name=official["names"])
    return redirect(url_for("office.officials"))
