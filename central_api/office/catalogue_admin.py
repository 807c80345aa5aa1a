"""The catalogue page (administrator): the services in force, and publishing a new catalogue.

An uploaded file is checked with the same format checks as ``central-api catalogue publish``
(:func:`central_api.catalogues.check_catalogue_file`); "Check" shows the result and publishes
nothing, "Publish" publishes a file that passes as the next version, which the kiosks receive at
their next exchange.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from .. import catalogues
from ..db import read, write
from ..errors import InvalidInputError
from .auth import actor, engine
from .blueprint import bp
from .common import municipality
from .i18n import flash_t
from .roles import access

MAX_UPLOAD_BYTES = 4 * 1024 * 1024


@bp.get("/catalogue")
@access("admin")
def catalogue_page():
    with read(engine()) as conn:
        in_force = catalogues.current_catalogue(conn)
    return render_template("office/catalogue.html", catalogue=in_force, problem=None, checked=None)


@bp.post("/catalogue")
@access("admin")
def catalogue_upload():
    upload = request.files.get("catalogue")
    data = upload.read(MAX_UPLOAD_BYTES + 1) if upload else b""
    problem, checked = None, None
    if not data:
        problem = InvalidInputError("Choose the catalogue file (JSON) to upload.")
    elif len(data) > MAX_UPLOAD_BYTES:
        problem = InvalidInputError("The file is larger than 4 MiB: it cannot be a catalogue.")
    if problem is None and request.form.get("action") == "publish":
        try:
            with write(engine()) as conn:
                version = catalogues.publish_from_file(conn, data, actor())
        except InvalidInputError as exc:
            problem = exc
        else:
            flash_t("done_catalogue_published", "success", version=version)
            return redirect(url_for("office.catalogue_page"))
    elif problem is None:
        try:
            checked = catalogues.check_catalogue_file(data, municipality())
        except InvalidInputError as exc:
            problem = exc
    with read(engine()) as conn:
        in_force = catalogues.current_catalogue(conn)
    status = 422 if problem else 200
    return render_template(
        "office/catalogue.html", catalogue=in_force, problem=problem, checked=checked
    ), status
