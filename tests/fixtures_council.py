"""Council fixtures: a central with a council of 17 (Lyaskovets' size), a session and items."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import insert, select

COUNCIL_SIZE = 17
PASSWORD = "hall-pass-2026"
SECRETARY = "council_secretary:secretary"
CHAIR = "council_chair:chair"


@dataclass
class Council:
    central: object
    members: list[dict] = field(default_factory=list)  # {"id", "name", "user", "group"}
    session_id: int = 0
    items: dict[str, int] = field(default_factory=dict)  # basis key -> item id

    def write(self):
        from central_api.db import write

        return write(self.central.engine)

    def read(self):
        from central_api.db import read

        return read(self.central.engine)

    def actor(self, index: int) -> str:
        return f"councillor:{self.members[index]['user']}"

    def register(self, *indexes: int) -> None:
        from central_api.council.sessions import register_present

        with self.write() as conn:
            for index in indexes:
                member = self.members[index]
                register_present(conn, self.session_id, member["id"], self.actor(index))

    def vote(self, index: int, item_key: str, choice: str) -> None:
        from central_api.council.voting import cast_vote

        with self.write() as conn:
            cast_vote(
                conn, self.items[item_key], self.members[index]["id"], choice, self.actor(index)
            )


def build_council(central, *, with_users: bool = True) -> Council:
    """17 councillors (the first is the chair), a secretary, an open session with three items."""
    from central_api.council.members import add_councillor
    from central_api.council.sessions import add_item, create_session, open_session
    from central_api.db import write
    from central_api.db.schema import users
    from central_api.users import add_user

    council = Council(central)
    with write(central.engine) as conn:
        if with_users:
            add_user(conn, "secretary", "council_secretary", PASSWORD)
            # One argon2 hash for everyone: eighteen of them would take seconds per test.
            password_hash = conn.execute(select(users.c.password_hash)).scalar_one()
        for number in range(1, COUNCIL_SIZE + 1):
            user = "chair" if number == 1 else f"councillor{number:02d}"
            if with_users:
                conn.execute(
                    insert(users).values(
                        name=user,
                        role="council_chair" if number == 1 else "councillor",
                        password_hash=password_hash,
                        created_at="2026-11-01T08:00:00Z",
                        disabled=False,
                    )
                )
            group = ("Група А", "Група Б", "Група В")[number % 3]
            member = add_councillor(
                conn,
                f"Съветник {number:02d}",
                group,
                "2023-11-01",
                "2027-10-31",
                user if with_users else None,
            )
            council.members.append(
                {"id": member["id"], "name": member["name"], "user": user, "group": group}
            )
        meeting = create_session(conn, 7, "2026-11-26T09:00", "Заседателна зала", SECRETARY)
        council.session_id = meeting["id"]
        for key, title in (
            ("ordinary", "Отчет за дейността на читалищата"),
            ("budget", "Бюджет на Община Лясковец за 2027 г."),
            ("chair_election", "Избор на председател на постоянна комисия"),
        ):
            created = add_item(
                conn,
                council.session_id,
                title=title,
                proposer="Кмет на общината",
                draft_decision=f"Общинският съвет приема: {title}.",
                basis_key=key,
                actor=SECRETARY,
                committee_opinions=[{"committee": "Бюджет и финанси", "opinion": "подкрепя"}],
            )
            council.items[key] = created["id"]
        open_session(conn, council.session_id, CHAIR)
    return council


@pytest.fixture
def council(central) -> Council:
    """The council without web users (argon2 hashes for 18 users take seconds)."""
    return build_council(central, with_users=False)


@pytest.fixture
def council_with_users(central) -> Council:
    """The council whose members sign in: users ``chair``, ``councillor02``.., ``secretary``."""
    return build_council(central)
