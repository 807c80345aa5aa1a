"""The population register in the office: search, a person's entry with its history, the
registrar's correction form, and for auditors who looked at whom.

Each view parses the request, calls one function of :mod:`central_api.registers.registrar`
and renders; every opened entry is logged as a look-up by the signed-in user.
"""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for

from ..db import read, write
from ..registers import debts_on, known_settlements
from ..registers.errors import CorrectionRefusedError, PersonNotFoundError
from ..registers.population import MARITAL_STATUSES
from ..registers.registrar import CORRECTABLE, correct_person, look_up, lookups, search_and_log
from .auth import engine
from .blueprint import bp
from .common import municipality
from .i18n import flash_t
from .roles import REGISTER_READERS, access

CORRECTION_FIELDS = (*CORRECTABLE, *(f"{kind}_{part}" for kind in ("permanent", "current")
                                     for part in ("settlement", "address", "since")))  # fmt: skip


def _person_id(text: str) -> int:
    if not text.isdigit():
        abort(404)
    return int(text)


@bp.get("/register")
@access(*REGISTER_READERS)
def register_search():
    text = request.args.get("q", "").strip()[:100]
    with write(engine()) as conn:
        found = search_and_log(conn, text, g.user["name"]) if text else []
    return render_template("office/register_search.html", q=text, found=found)


@bp.get("/register/person/<person_id>")
@access(*REGISTER_READERS)
def register_person(person_id: str):
    # Not an <int:> route: a malformed id must still meet the sign-in guard first.
    person_id = _person_id(person_id)
    with write(engine()) as conn:
        try:
            record = look_up(conn, person_id, g.user["name"])
        except PersonNotFoundError:
            abort(404)
        debts = debts_on(conn, person_id)
    return render_template(
        "office/register_person.html",
        record=record,
        debts=debts,
        settlements=known_settlements(municipality()),
        statuses=MARITAL_STATUSES,
        zip=zip,
    )


@bp.post("/register/person/<person_id>/correct")
@access("registrar")
def register_correct(person_id: str):
    person_id = _person_id(person_id)
    changes = {name: request.form[name] for name in CORRECTION_FIELDS if name in request.form}
    try:
        with write(engine()) as conn:
            changed = correct_person(
                conn, person_id, changes, request.form.get("reason", ""), g.user["name"],
                known_settlements(municipality()),
            )  # fmt: skip
    except PersonNotFoundError:
        abort(404)
    except CorrectionRefusedError as exc:
        flash_t("register_correction_refused", "error", problem=exc.message)
        return redirect(url_for("office.register_person", person_id=person_id))
    if changed:
        flash_t("register_corrected", "success", fields=", ".join(changed))
    else:
        flash_t("register_nothing_changed", "info")
    return redirect(url_for("office.register_person", person_id=person_id))


@bp.get("/register/lookups")
@access("auditor")
def register_lookups():
    user_name = request.args.get("user", "").strip()[:100]
    identifier = request.args.get("person", "").strip()[:10]
    with read(engine()) as conn:
        rows = lookups(conn, user_name=user_name, identifier=identifier)
    return render_template(
        "office/register_lookups.html", rows=rows, user_name=user_name, identifier=identifier
    )
