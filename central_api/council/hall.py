"""The hall: the councillor's tablet, the chair's page and the secretary's page, under
``/office/council/``, with the JSON the tablets refresh from and the acts they send.

Live updates without a held thread: each page asks ``state?since=VERSION`` a few times a second
and gets ``204 No Content`` at once when nothing changed (the version is the newest vote-log
entry), the whole state when something did. Under gunicorn's threaded workers no request waits,
so 17 tablets, the chair and the screen need no thread each (docs/council.md).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for

from ..db import read, write
from ..errors import SigningTokenError
from . import protocol, sessions, voting
from .consultation import comments
from .errors import CouncilError, CouncilInputError
from .state import basis_choices, current_session_id, hall_state
from .web import access, actor, council_error, engine, guard, my_member_id

bp = Blueprint(
    "council_hall",
    __name__,
    url_prefix="/office/council",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
bp.before_request(guard)
bp.register_error_handler(CouncilError, council_error)
bp.register_error_handler(SigningTokenError, council_error)  # the token's PIN, lock, absence

VOTERS = ("councillor", "council_chair")
CHAIR = ("council_chair",)
SECRETARY = ("council_secretary",)
ANY = ("councillor", "council_chair", "council_secretary")


def _session_id() -> int | None:
    with read(engine()) as conn:
        return current_session_id(conn)


def _number(name: str) -> int:
    payload = request.get_json(silent=True) or request.form
    value = payload.get(name)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise CouncilInputError(
            f"Липсва номер {name}. / The request lacks a number {name!r}."
        ) from exc


@bp.get("/tablet")
@access("council_hall", *VOTERS)
def tablet():
    return render_template("council/tablet.html", user=g.user)


@bp.get("/chair")
@access("council_hall", *CHAIR)
def chair():
    return render_template("council/chair.html", user=g.user)


@bp.get("/secretary")
@access("council_hall", *SECRETARY)
def secretary():
    with read(engine()) as conn:
        meetings = sessions.sessions(conn)
        agendas = {m["id"]: sessions.items(conn, m["id"]) for m in meetings}
        remarks = {
            i["id"]: comments(conn, i["id"])
            for agenda in agendas.values()
            for i in agenda
            if i["consultation_until"]
        }
    return render_template(
        "council/secretary.html",
        user=g.user,
        meetings=meetings,
        agendas=agendas,
        comments=remarks,
        choices=basis_choices(),
        signing_needs_pin=current_app.extensions["central"].signing_needs_pin,
    )


@bp.get("/state")
@access("council_hall", *ANY)
def state():
    since = request.args.get("since", type=int)
    member_id = my_member_id()
    with read(engine()) as conn:
        current = hall_state(conn, current_session_id(conn), member_id)
    if since is not None and since == current["version"]:
        return "", 204
    return jsonify(current)


@bp.post("/present")
@access("council_hall", *VOTERS)
def present():
    with write(engine()) as conn:
        sessions.register_present(conn, _number("session"), my_member_id(), actor())
    return jsonify({"ok": True})


@bp.post("/vote")
@access("council_hall", *VOTERS)
def vote():
    choice = (request.get_json(silent=True) or {}).get("choice", "")
    with write(engine()) as conn:
        voting.cast_vote(conn, _number("item"), my_member_id(), choice, actor())
    return jsonify({"ok": True})


@bp.post("/conflict")
@access("council_hall", *VOTERS)
def conflict():
    with write(engine()) as conn:
        sessions.declare_conflict(conn, _number("item"), my_member_id(), actor())
    return jsonify({"ok": True})


@bp.post("/session/open")
@access("council_hall", *CHAIR)
def open_session():
    with write(engine()) as conn:
        sessions.open_session(conn, _number("session"), actor())
    return jsonify({"ok": True})


@bp.post("/session/close")
@access("council_hall", *CHAIR)
def close_session():
    with write(engine()) as conn:
        sessions.close_session(conn, _number("session"), actor())
    return jsonify({"ok": True})


@bp.post("/vote/open")
@access("council_hall", *CHAIR)
def open_vote():
    with write(engine()) as conn:
        voting.open_vote(conn, _number("item"), actor())
    return jsonify({"ok": True})


@bp.post("/vote/close")
@access("council_hall", *CHAIR)
def close_vote():
    with write(engine()) as conn:
        outcome = voting.close_vote(conn, _number("item"), actor())
    return jsonify({"ok": True, "passed": outcome.passed})


# -- the secretary: prepare the agenda (plain forms) -------------------------------------


def _back():
    return redirect(url_for("council_hall.secretary"))


@bp.post("/secretary/session")
@access("council_hall", *SECRETARY)
def create_session():
    with write(engine()) as conn:
        sessions.create_session(
            conn,
            _number("number"),
            request.form.get("starts_at", ""),
            request.form.get("place", ""),
            actor(),
        )
    return _back()


@bp.post("/secretary/item")
@access("council_hall", *SECRETARY)
def add_item():
    form = request.form
    opinions = [
        {"committee": committee, "opinion": opinion}
        for committee, opinion in (
            line.split(":", 1) for line in form.get("opinions", "").splitlines() if ":" in line
        )
    ]
    with write(engine()) as conn:
        created = sessions.add_item(
            conn,
            _number("session"),
            title=form.get("title", ""),
            proposer=form.get("proposer", ""),
            draft_decision=form.get("draft_decision", ""),
            basis_key=form.get("basis", ""),
            actor=actor(),
            committee_opinions=opinions,
            under_consultation_from=form.get("consultation_from") or None,
        )
        upload = request.files.get("paper")
        if upload and upload.filename:
            sessions.attach_paper(conn, created["id"], upload.read(), upload.filename, actor())
    return _back()


@bp.post("/secretary/basis")
@access("council_hall", *SECRETARY)
def set_basis():
    with write(engine()) as conn:
        sessions.set_basis(conn, _number("item"), request.form.get("basis", ""), actor())
    return _back()


@bp.post("/secretary/paper")
@access("council_hall", *SECRETARY)
def attach_paper():
    upload = request.files.get("paper")
    if upload is None or not upload.filename:
        raise CouncilInputError("Изберете PDF файл. / Choose a PDF file.")
    with write(engine()) as conn:
        sessions.attach_paper(conn, _number("item"), upload.read(), upload.filename, actor())
    return _back()


@bp.post("/secretary/protocol")
@access("council_hall", *SECRETARY)
def sign_protocol():
    # The same signer as the certificates': on a token it is opened with the PIN typed here.
    central = current_app.extensions["central"]
    with central.open_signer(request.form.get("pin") or None) as signer, write(engine()) as conn:
        protocol.sign_protocol(conn, _number("session"), signer, actor())
    return _back()
