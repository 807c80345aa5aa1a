"""The demo council: load councillors, their web users and sessions (with votes) from data.

The data (names, groups, agendas, how each councillor voted) is demo material kept in
``deploy/council-demo.toml``, never in this package. A past session is held through the same
domain functions the hall uses (register, open, vote, close), so its vote log, results and
decision numbers are what the hall would have produced; its protocol is then signed.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Connection, select

from ..db.schema import users
from ..users import add_user
from .errors import CouncilInputError
from .members import add_councillor
from .protocol import sign_protocol
from .sessions import (
    add_item,
    close_session,
    create_session,
    declare_conflict,
    open_session,
    register_present,
)
from .tables import council_members
from .voting import cast_vote, close_vote, open_vote


def read_data(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CouncilInputError(f"Cannot read the demo council from {path}: {exc}") from exc


def load_demo(conn: Connection, data: dict, password: str, signer) -> dict:
    """Load the demo council into an empty council; a summary of what was made."""
    if conn.execute(select(council_members.c.id).limit(1)).first():
        raise CouncilInputError(
            "Съветът вече има съветници: демото се зарежда само в празен съвет. / "
            "The council already has councillors: the demo loads into an empty one only."
        )
    secretary_name = data["secretary"]
    _user(conn, secretary_name, "council_secretary", password)
    by_user: dict[str, dict] = {}
    for person in data["councillors"]:
        role = "council_chair" if person.get("chair") else "councillor"
        _user(conn, person["user"], role, password)
        member = add_councillor(
            conn,
            person["name"],
            person["group"],
            data["term_start"],
            data["term_end"],
            person["user"],
        )
        by_user[person["user"]] = {**member, "role": role}
    chair = next(f"{m['role']}:{u}" for u, m in by_user.items() if m["role"] == "council_chair")
    secretary = f"council_secretary:{secretary_name}"
    held = []
    for meeting in data["sessions"]:
        created = create_session(
            conn, meeting["number"], meeting["starts_at"], meeting["place"], secretary
        )
        agenda = [
            add_item(
                conn,
                created["id"],
                title=item["title"],
                proposer=item["proposer"],
                draft_decision=item["draft"],
                basis_key=item["basis"],
                actor=secretary,
                committee_opinions=item.get("opinions", []),
                under_consultation_from=_consultation_start(item),
            )
            for item in meeting["items"]
        ]
        if "absent" in meeting:  # a past session: hold it
            _hold(conn, created["id"], meeting, agenda, by_user, chair)
            sign_protocol(conn, created["id"], signer, secretary)
            held.append(meeting["number"])
    return {"councillors": len(by_user), "sessions": len(data["sessions"]), "held": held}


def _consultation_start(item: dict) -> str | None:
    if "consultation_days_ago" not in item:
        return item.get("consultation_from")
    return (date.today() - timedelta(days=int(item["consultation_days_ago"]))).isoformat()


def _hold(conn, session_id, meeting, agenda, by_user, chair) -> None:
    open_session(conn, session_id, chair)
    present = [u for u in by_user if u not in meeting["absent"]]
    for user in present:
        register_present(conn, session_id, by_user[user]["id"], _actor(by_user, user))
    for plan, item in zip(meeting["items"], agenda, strict=True):
        for user in plan.get("conflicts", []):
            declare_conflict(conn, item["id"], by_user[user]["id"], _actor(by_user, user))
        open_vote(conn, item["id"], chair)
        voters = [u for u in present if u not in plan.get("conflicts", [])]
        secret_against = plan.get("secret_against", 0)
        for position, user in enumerate(voters):
            if user in plan.get("against", []) or position < secret_against:
                choice = "against"
            elif user in plan.get("abstain", []):
                choice = "abstain"
            else:
                choice = "for"
            cast_vote(conn, item["id"], by_user[user]["id"], choice, _actor(by_user, user))
        close_vote(conn, item["id"], chair)
    close_session(conn, session_id, chair)


def _actor(by_user: dict, user: str) -> str:
    return f"{by_user[user]['role']}:{user}"


def _user(conn: Connection, name: str, role: str, password: str) -> None:
    if conn.execute(select(users.c.id).where(users.c.name == name)).first() is None:
        add_user(conn, name, role, password)
