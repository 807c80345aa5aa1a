"""An OParl 1.1 API (https://oparl.org) of the council, read-only and public: ``/oparl/v1/``.

Entry point ``/oparl/v1/system``. Mapping (docs/council.md):

    System        this server                     Body          the municipality's council
    Organization  the council; each political group
    Person        a councillor                    Membership    a councillor in the council /
                                                                in their group, for their term
    Meeting       a session                       AgendaItem    an item of a session's agenda
    Paper         an item's report and draft      File          the paper's PDF; a protocol
    LegislativeTerm  the councillors' term (inside Body)

External lists (organizations, people, meetings, papers) are paged (``?page=N``, ``data``,
``pagination``, ``links`` with ``next`` on every page but the last), in a stable order by id.

OParl has no object for how each member voted. Our extension, on every AgendaItem that was put
to the vote: ``vic:vote`` = {kind, rule, legalBasis, for, against, abstained, present, passed,
``votes``: [{person, choice}]} where ``choice`` is ``for``, ``against``, ``abstain``,
``conflict``, ``did_not_vote``, ``absent`` — or ``secret`` (took part in a secret vote).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from ..db import read
from . import members, sessions
from .errors import CouncilError
from .record import item_votes
from .tables import council_members
from .web import PUBLIC, access, council_error, engine, guard

bp = Blueprint("oparl", __name__, url_prefix="/oparl/v1")
bp.before_request(guard)
bp.register_error_handler(CouncilError, council_error)
NAME = "oparl"
SCHEMA = "https://schema.oparl.org/1.1/"
PAGE_SIZE = 20
BODY = "council"


def _url(endpoint: str, **values) -> str:
    return url_for(f"oparl.{endpoint}", _external=True, **values)


def _group_key(group: str) -> str:
    return "group-" + hashlib.sha256(group.encode()).hexdigest()[:12]


FILTERS = {
    "created_since": ("created", ">="),
    "created_until": ("created", "<="),
    "modified_since": ("modified", ">="),
    "modified_until": ("modified", "<="),
}


def _filtered(objects: list[dict]) -> tuple[list[dict], dict]:
    """The list filters every external list must take (OParl 1.1, "Filter"): objects whose
    ``created``/``modified`` lie in the range; the filters, to keep on every page's links."""
    kept = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    for name, text in kept.items():
        field, direction = FILTERS[name]
        try:  # a date-time with its zone; a "+" that arrived unencoded reads as a space
            bound = datetime.fromisoformat(text.replace(" ", "+"))
        except ValueError:
            abort(400, f"{name} must be a date-time such as 2026-01-01T00:00:00+02:00")
        if bound.tzinfo is None:
            abort(400, f"{name} must carry its time zone, e.g. 2026-01-01T00:00:00+02:00")
        objects = [
            o
            for o in objects
            if field in o
            and (
                datetime.fromisoformat(o[field]) >= bound
                if direction == ">="
                else datetime.fromisoformat(o[field]) <= bound
            )
        ]
    return objects, kept


def _paged(objects: list[dict], endpoint: str, **values):
    """One page of an external list, as OParl 1.1 section "Paginierung" asks."""
    objects, filters = _filtered(objects)
    values = {**values, **filters}
    size = current_app.config.get("OPARL_PAGE_SIZE", PAGE_SIZE)
    total_pages = max(1, -(-len(objects) // size))
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= total_pages:
        abort(404)
    links = {
        "first": _url(endpoint, **values),
        "self": _url(endpoint, page=page, **values),
        "last": _url(endpoint, page=total_pages, **values),
    }
    if page > 1:
        links["prev"] = _url(endpoint, page=page - 1, **values)
    if page < total_pages:
        links["next"] = _url(endpoint, page=page + 1, **values)
    return jsonify(
        {
            "data": objects[(page - 1) * size : page * size],
            "pagination": {
                "totalElements": len(objects),
                "elementsPerPage": size,
                "currentPage": page,
                "totalPages": total_pages,
            },
            "links": links,
        }
    )


# -- objects -------------------------------------------------------------------------------


def _system() -> dict:
    return {
        "id": _url("system"),
        "type": SCHEMA + "System",
        "oparlVersion": SCHEMA,
        "body": _url("bodies"),
        "name": "Общински съвет / Municipal council",
        "website": url_for("council_public.index", _external=True),
        "product": "Village information centres: central office, council",
    }


def _body(conn) -> dict:
    terms = sorted({(m["term_start"], m["term_end"]) for m in members.councillors(conn)})
    return {
        "id": _url("body", body=BODY),
        "type": SCHEMA + "Body",
        "system": _url("system"),
        "name": "Общински съвет / Municipal council",
        "organization": _url("organizations", body=BODY),
        "person": _url("people", body=BODY),
        "meeting": _url("meetings", body=BODY),
        "paper": _url("papers", body=BODY),
        "legislativeTerm": [
            {
                "id": _url("legislative_term", term=f"{start}_{end}"),
                "type": SCHEMA + "LegislativeTerm",
                "body": _url("body", body=BODY),
                "name": f"Мандат {start[:4]}–{end[:4]}",
                "startDate": start,
                "endDate": end,
            }
            for start, end in terms
        ],
        "web": url_for("council_public.index", _external=True),
    }


def _organizations(conn) -> list[dict]:
    groups = sorted({m["political_group"] for m in members.councillors(conn)})
    council = {
        "id": _url("organization", key=BODY),
        "type": SCHEMA + "Organization",
        "body": _url("body", body=BODY),
        "name": "Общински съвет / Municipal council",
        "organizationType": "Gremium",
        "classification": "Общински съвет",
        "meeting": [_url("meeting", session_id=m["id"]) for m in sessions.sessions(conn)],
    }
    return [council] + [
        {
            "id": _url("organization", key=_group_key(group)),
            "type": SCHEMA + "Organization",
            "body": _url("body", body=BODY),
            "name": group,
            "organizationType": "Fraktion",
            "classification": "Политическа група / Political group",
        }
        for group in groups
    ]


def _memberships(member: dict) -> list[dict]:
    common = {
        "type": SCHEMA + "Membership",
        "person": _url("person", member_id=member["id"]),
        "startDate": member["term_start"],
        "endDate": member["term_end"],
    }
    return [
        {
            **common,
            "id": _url("membership", key=f"{member['id']}-{BODY}"),
            "organization": _url("organization", key=BODY),
            "role": "Общински съветник / Councillor",
            "votingRight": True,
        },
        {
            **common,
            "id": _url("membership", key=f"{member['id']}-group"),
            "organization": _url("organization", key=_group_key(member["political_group"])),
            "role": "Член / Member",
            "votingRight": True,
        },
    ]


def _person(member: dict) -> dict:
    return {
        "id": _url("person", member_id=member["id"]),
        "type": SCHEMA + "Person",
        "body": _url("body", body=BODY),
        "name": member["name"],
        "membership": _memberships(member),
        "created": member["created_at"],
        "modified": member["created_at"],
        "web": url_for("council_public.councillor_page", member_id=member["id"], _external=True),
    }


def _paper_file(item: dict) -> dict:
    return {
        "id": _url("file", key=f"paper-{item['id']}"),
        "type": SCHEMA + "File",
        "name": item["title"],
        "fileName": item["paper_name"],
        "mimeType": "application/pdf",
        "accessUrl": url_for("council_public.paper", item_id=item["id"], _external=True),
        "downloadUrl": url_for("council_public.paper", item_id=item["id"], _external=True),
    }


def _protocol_file(meeting: dict) -> dict:
    return {
        "id": _url("file", key=f"protocol-{meeting['id']}"),
        "type": SCHEMA + "File",
        "name": f"Протокол от заседание № {meeting['number']}",
        "fileName": f"protocol-{meeting['number']}.pdf",
        "mimeType": "application/pdf",
        "sha256Checksum": meeting["protocol_sha256"],
        "accessUrl": url_for("council_public.protocol", session_id=meeting["id"], _external=True),
    }


def _paper(item: dict, meeting: dict) -> dict:
    paper = {
        "id": _url("paper", item_id=item["id"]),
        "type": SCHEMA + "Paper",
        "body": _url("body", body=BODY),
        "name": item["title"],
        "date": meeting["starts_at"][:10],
        "paperType": "Доклад и проект на решение / Report and draft decision",
        "web": url_for("council_public.item_page", item_id=item["id"], _external=True),
    }
    if item["decision_number"]:
        paper["reference"] = f"Решение № {item['decision_number']}/{item['decision_year']}"
    if item["paper_name"]:
        paper["mainFile"] = _paper_file(item)
    return paper


def _agenda_item(conn, item: dict) -> dict:
    agenda_item = {
        "id": _url("agenda_item", item_id=item["id"]),
        "type": SCHEMA + "AgendaItem",
        "meeting": _url("meeting", session_id=item["session_id"]),
        "number": str(item["position"]),
        "order": item["position"],
        "name": item["title"],
        "public": True,
        "web": url_for("council_public.item_page", item_id=item["id"], _external=True),
    }
    if item["paper_name"]:
        agenda_item["auxiliaryFile"] = [_paper_file(item)]
    if item["vote_status"] == "closed":
        agenda_item["result"] = "Прието / Adopted" if item["passed"] else "Не е прието / Rejected"
        if item["passed"]:
            agenda_item["resolutionText"] = item["draft_decision"]
        agenda_item["vic:vote"] = {
            "kind": item["kind"],
            "rule": item["rule"],
            "legalBasis": item["legal_basis"],
            "for": item["for_votes"],
            "against": item["against"],
            "abstained": item["abstained"],
            "present": item["present"],
            "passed": bool(item["passed"]),
            "votes": [
                {"person": _url("person", member_id=v["member_id"]), "choice": v["choice"]}
                for v in item_votes(conn, item["id"])
            ],
        }
    return agenda_item


def _meeting(conn, meeting: dict) -> dict:
    state = {"planned": "terminiert", "open": "eingeladen", "closed": "durchgeführt"}
    result = {
        "id": _url("meeting", session_id=meeting["id"]),
        "type": SCHEMA + "Meeting",
        "name": f"Заседание № {meeting['number']}",
        "meetingState": state[meeting["status"]],
        "cancelled": False,
        "start": meeting["starts_at"] + ":00",
        "location": {
            "id": _url("location", session_id=meeting["id"]),
            "type": SCHEMA + "Location",
            "description": meeting["place"],
        },
        "organization": [_url("organization", key=BODY)],
        "participant": [
            _url("person", member_id=member_id)
            for member_id in sorted(sessions.present_members(conn, meeting["id"]))
        ],
        "agendaItem": [_agenda_item(conn, i) for i in sessions.items(conn, meeting["id"])],
        "web": url_for("council_public.session_page", session_id=meeting["id"], _external=True),
        "created": meeting["created_at"],
        "modified": meeting["closed_at"] or meeting["opened_at"] or meeting["created_at"],
    }
    if meeting["protocol_sha256"]:
        result["resultsProtocol"] = _protocol_file(meeting)
    return result


# -- routes --------------------------------------------------------------------------------


def _known_body(body: str) -> None:
    if body != BODY:
        abort(404)


@bp.get("/system")
@access(NAME, PUBLIC)
def system():
    return jsonify(_system())


@bp.get("/bodies")
@access(NAME, PUBLIC)
def bodies():
    with read(engine()) as conn:
        return _paged([_body(conn)], "bodies")


@bp.get("/body/<body>")
@access(NAME, PUBLIC)
def body(body: str):
    _known_body(body)
    with read(engine()) as conn:
        return jsonify(_body(conn))


@bp.get("/legislative-term/<term>")
@access(NAME, PUBLIC)
def legislative_term(term: str):
    with read(engine()) as conn:
        found = [t for t in _body(conn)["legislativeTerm"] if t["id"].endswith("/" + term)]
    if not found:
        abort(404)
    return jsonify(found[0])


@bp.get("/body/<body>/organizations")
@access(NAME, PUBLIC)
def organizations(body: str):
    _known_body(body)
    with read(engine()) as conn:
        return _paged(_organizations(conn), "organizations", body=body)


@bp.get("/organization/<key>")
@access(NAME, PUBLIC)
def organization(key: str):
    with read(engine()) as conn:
        found = [o for o in _organizations(conn) if o["id"] == _url("organization", key=key)]
    if not found:
        abort(404)
    return jsonify(found[0])


@bp.get("/body/<body>/people")
@access(NAME, PUBLIC)
def people(body: str):
    _known_body(body)
    with read(engine()) as conn:
        everyone = sorted(members.councillors(conn), key=lambda m: m["id"])
    return _paged([_person(m) for m in everyone], "people", body=body)


@bp.get("/person/<int:member_id>")
@access(NAME, PUBLIC)
def person(member_id: int):
    with read(engine()) as conn:
        return jsonify(_person(members.councillor(conn, member_id)))


@bp.get("/membership/<key>")
@access(NAME, PUBLIC)
def membership(key: str):
    member_id, _, _ = key.partition("-")
    if not member_id.isdigit():
        abort(404)
    with read(engine()) as conn:
        found = (
            conn.execute(council_members.select().where(council_members.c.id == int(member_id)))
            .mappings()
            .first()
        )
    if found is None:
        abort(404)
    matches = [m for m in _memberships(dict(found)) if m["id"] == _url("membership", key=key)]
    if not matches:
        abort(404)
    return jsonify(matches[0])


@bp.get("/body/<body>/meetings")
@access(NAME, PUBLIC)
def meetings(body: str):
    _known_body(body)
    with read(engine()) as conn:
        listed = sorted(sessions.sessions(conn), key=lambda m: m["id"])
        return _paged([_meeting(conn, m) for m in listed], "meetings", body=body)


@bp.get("/meeting/<int:session_id>")
@access(NAME, PUBLIC)
def meeting(session_id: int):
    with read(engine()) as conn:
        return jsonify(_meeting(conn, sessions.session(conn, session_id)))


@bp.get("/meeting/<int:session_id>/location")
@access(NAME, PUBLIC)
def location(session_id: int):
    with read(engine()) as conn:
        return jsonify(_meeting(conn, sessions.session(conn, session_id))["location"])


@bp.get("/agenda-item/<int:item_id>")
@access(NAME, PUBLIC)
def agenda_item(item_id: int):
    with read(engine()) as conn:
        return jsonify(_agenda_item(conn, sessions.item(conn, item_id)))


@bp.get("/body/<body>/papers")
@access(NAME, PUBLIC)
def papers(body: str):
    _known_body(body)
    with read(engine()) as conn:
        listed = []
        for meeting_row in sorted(sessions.sessions(conn), key=lambda m: m["id"]):
            for item in sessions.items(conn, meeting_row["id"]):
                listed.append(_paper(item, meeting_row))
    listed.sort(key=lambda p: int(p["id"].rsplit("/", 1)[1]))
    return _paged(listed, "papers", body=body)


@bp.get("/paper/<int:item_id>")
@access(NAME, PUBLIC)
def paper(item_id: int):
    with read(engine()) as conn:
        item = sessions.item(conn, item_id)
        return jsonify(_paper(item, sessions.session(conn, item["session_id"])))


@bp.get("/file/<key>")
@access(NAME, PUBLIC)
def file(key: str):
    kind, _, number = key.partition("-")
    if not number.isdigit() or kind not in ("paper", "protocol"):
        abort(404)
    with read(engine()) as conn:
        if kind == "paper":
            item = sessions.item(conn, int(number))
            if not item["paper_name"]:
                abort(404)
            return jsonify(_paper_file(item))
        meeting_row = sessions.session(conn, int(number))
    if not meeting_row["protocol_sha256"]:
        abort(404)
    return jsonify(_protocol_file(meeting_row))
