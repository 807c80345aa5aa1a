"""The quarantine (administrator): the records from kiosks that central refused, with the reason
each was refused, whether it waits for a software update, and a retry button
(:mod:`central_api.waiting_room`, the same as ``central-api quarantine``)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from .. import waiting_room
from ..db import read
from ..errors import CentralError
from .actions import refusal
from .auth import actor, engine
from .blueprint import bp
from .i18n import flash_t
from .roles import access


@bp.get("/quarantine")
@access("admin")
def quarantine():
    include_released = request.args.get("all") == "1"
    with read(engine()) as conn:
        rows = waiting_room.list_quarantine(conn, include_released)
    return render_template("office/quarantine.html", rows=rows, include_released=include_released)


@bp.post("/quarantine/<row_id>/retry")
@access("admin")
def retry_quarantined(row_id: str):
    if not row_id.isdigit():
        abort(404)
    try:
        retried = waiting_room.retry(engine(), [int(row_id)], actor=actor())
    except CentralError as exc:
        refusal(exc)
    else:
        if retried.applied:
            flash_t("done_quarantine_applied", "success", record=retried.applied[0])
        elif retried.still_waiting:
            flash_t("quarantine_still_waiting", "error")
        else:
            flash_t("quarantine_refused_again", "error", reason=retried.refused[0]["reason"])
    return redirect(url_for("office.quarantine"))
