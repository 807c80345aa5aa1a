"""The staff page of the web office (administrator): the lists of :mod:`central_api.staff`."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from .. import staff as staff_lists
from ..db import read, write
from .auth import actor, engine
from .blueprint import bp
from .i18n import counted, flash_t
from .roles import access


def _back():
    return redirect(url_for("office.staff"))


@bp.get("/staff")
@access("admin")
def staff():
    with read(engine()) as conn:
        by_village = staff_lists.staff_by_village(conn)
    return render_template("office/staff.html", by_village=by_village)


@bp.post("/staff/add")
@access("admin")
def staff_add():
    form = request.form
    name = staff_lists.clean_name(form.get("name", ""))
    try:
        with write(engine()) as conn:
            staff_lists.add_staff(
                conn,
                form.get("village", ""),
                name,
                form.get("pin", ""),
                actor(),
                pin_again=form.get("pin_again", ""),
            )
    except (staff_lists.StaffError, staff_lists.StaffUnknownError) as exc:
        flash_t(exc.problem, "error")
        return _back()
    flash_t("done_staff_added", "success", name=name)
    return _back()


@bp.post("/staff/<staff_id>/pin")
@access("admin")
def staff_pin(staff_id: str):
    form = request.form
    try:
        with write(engine()) as conn:
            member = staff_lists.change_pin(
                conn, staff_id, form.get("pin", ""), actor(), pin_again=form.get("pin_again", "")
            )
    except (staff_lists.StaffError, staff_lists.StaffUnknownError) as exc:
        flash_t(exc.problem, "error")
        return _back()
    flash_t("done_staff_pin", "success", name=member["name"])
    return _back()


@bp.post("/staff/<staff_id>/remove")
@access("admin")
def staff_remove(staff_id: str):
    try:
        with write(engine()) as conn:
            member = staff_lists.remove_staff(conn, staff_id, actor())
    except staff_lists.StaffUnknownError as exc:
        flash_t(exc.problem, "error")
        return _back()
    flash_t("done_staff_removed", "success", name=member["name"])
    return _back()


@bp.post("/staff/send/<village>")
@access("admin")
def staff_send(village: str):
    try:
        with write(engine()) as conn:
            count = staff_lists.send_staff_list(conn, village)
    except staff_lists.StaffError as exc:
        flash_t(exc.problem, "error")
        return _back()
    flash_t("done_staff_sent", "success", kiosks=counted(count, "kiosk"))
    return _back()
