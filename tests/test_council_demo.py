"""``central-api council demo`` loads the demo council of deploy/council-demo.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import select

from central_api.council import votelog
from central_api.council.members import councillors
from central_api.council.record import decisions
from central_api.council.tables import council_items, council_sessions
from central_api.db import read

DATA = Path(__file__).resolve().parent.parent / "deploy" / "council-demo.toml"


def test_the_demo_council_has_seventeen_seats_and_a_held_session_with_its_votes(
    central, central_cli
):
    answer = central_cli(
        "council", "demo", "--data", str(DATA), "--password-stdin", input="demo-pass-1\n"
    )
    assert "17 councillors" in answer.stdout and "held: 12" in answer.stdout
    with read(central.engine) as conn:
        assert len(councillors(conn)) == 17  # 10,001–20,000 inhabitants: чл. 19 ЗМСМА
        held = (
            conn.execute(select(council_sessions).where(council_sessions.c.number == 12))
            .mappings()
            .one()
        )
        assert held["status"] == "closed" and held["protocol_pdf"][:5] == b"%PDF-"
        results = {
            row.title: (row.passed, row.for_votes, row.against, row.abstained)
            for row in conn.execute(
                select(council_items).where(council_items.c.session_id == held["id"])
            )
        }
        adopted = [d["title"] for d in decisions(conn)]
        assert votelog.verify(conn).ok
    assert results["Бюджет на общината за 2027 г."] == (True, 12, 3, 1)
    # Fees need more than half of all 17: eight for is not enough.
    assert results["Промяна в таксата за битови отпадъци"] == (False, 8, 7, 1)
    assert results["Избор на председател на Комисията по култура"] == (True, 13, 3, 0)
    assert len(adopted) == 3
    data = tomllib.loads(DATA.read_text())
    assert len(data["councillors"]) == 17


def test_the_demo_loads_only_into_an_empty_council(central, central_cli):
    central_cli("council", "demo", "--data", str(DATA), "--password-stdin", input="demo-pass-1\n")
    again = central_cli(
        "council", "demo", "--data", str(DATA), "--password-stdin", input="demo-pass-1\n", ok=False
    )
    assert again.exit_code == 1 and "empty one only" in again.stderr
