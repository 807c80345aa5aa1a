"""Public pages, without sign-in, under ``/council/``: the hall screen for the projector,
sessions and their agendas, papers, decisions, protocols and how each councillor voted.

What a secret vote never shows: how anyone voted (the server does not know).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from ..db import read
from . import members, sessions
from .consultation import comments
from .errors import CouncilError, CouncilNotFoundError
from .publishing import decision_published, published_decision_pdf
from .record import decisions, item_votes, votes_of
from .state import CHOICE_TEXT, KIND_TEXT, RULE_TEXT, current_session_id, hall_state
from .web import PUBLIC, access, council_error, engine, guard

bp = Blueprint("council_public", __name__, url_prefix="/council", template_folder="templates")
bp.before_request(guard)
bp.register_error_handler(CouncilError, council_error)
NAME = "council_public"


@bp.get("/hall")
@access(NAME, PUBLIC)
def screen():
    return render_template("council/screen.html", user=None)


@bp.get("/hall/state")
@access(NAME, PUBLIC)
def screen_state():
    since = request.args.get("since", type=int)
    with read(engine()) as conn:
        current = hall_state(conn, current_session_id(conn))
    if since is not None and since == current["version"]:
        return "", 204
    return jsonify(current)


@bp.get("/")
@access(NAME, PUBLIC)
def index():
    with read(engine()) as conn:
        meetings = sessions.sessions(conn)
        councillors = members.councillors(conn)
        adopted = decisions(conn)
    return render_template(
        "council/public_index.html",
        user=None,
        meetings=meetings,
        councillors=councillors,
        decisions=adopted,
    )


@bp.get("/sessions/<int:session_id>")
@access(NAME, PUBLIC)
def session_page(session_id: int):
    with read(engine()) as conn:
        meeting = sessions.session(conn, session_id)
        agenda = sessions.items(conn, session_id)
    return render_template(
        "council/public_session.html",
        user=None,
        meeting=meeting,
        agenda=agenda,
        rule_text=RULE_TEXT,
        kind_text=KIND_TEXT,
    )


@bp.get("/items/<int:item_id>")
@access(NAME, PUBLIC)
def item_page(item_id: int):
    with read(engine()) as conn:
        item = sessions.item(conn, item_id)
        meeting = sessions.session(conn, item["session_id"])
        votes = item_votes(conn, item_id)
        remarks = comments(conn, item_id)
        signed = decision_published(conn, item_id)
    return render_template(
        "council/public_item.html",
        signed_decision=signed,
        user=None,
        item=item,
        meeting=meeting,
        votes=votes,
        comments=remarks,
        choice_text=CHOICE_TEXT,
        rule_text=RULE_TEXT,
        kind_text=KIND_TEXT,
    )


@bp.get("/items/<int:item_id>/paper.pdf")
@access(NAME, PUBLIC)
def paper(item_id: int):
    with read(engine()) as conn:
        item = sessions.item(conn, item_id)
    return _pdf(
        item["paper_pdf"], "Точката няма приложен материал. / This item has no paper attached."
    )


@bp.get("/items/<int:item_id>/decision.pdf")
@access(NAME, PUBLIC)
def decision(item_id: int):
    with read(engine()) as conn:
        pdf = published_decision_pdf(conn, item_id)
    return Response(pdf, mimetype="application/pdf")


@bp.get("/sessions/<int:session_id>/protocol.pdf")
@access(NAME, PUBLIC)
def protocol(session_id: int):
    with read(engine()) as conn:
        meeting = sessions.session(conn, session_id)
    return _pdf(
        meeting["protocol_pdf"],
        "Протоколът още не е изготвен. / The protocol has not been made yet.",
    )


def _pdf(data: bytes | None, missing: str) -> Response:
    """A stored PDF as it was signed, or a 404 that says what is missing."""
    if not data:
        raise CouncilNotFoundError(missing)
    return Response(bytes(data), mimetype="application/pdf")


@bp.get("/councillors/<int:member_id>")
@access(NAME, PUBLIC)
def councillor_page(member_id: int):
    with read(engine()) as conn:
        member = members.councillor(conn, member_id)
        votes = votes_of(conn, member_id)
    return render_template(
        "council/public_councillor.html",
        user=None,
        member=member,
        votes=votes,
        choice_text=CHOICE_TEXT,
    )
