"""Voting in the hall, in the domain: who may vote when, results by the item's rule, the log."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from central_api.council import votelog
from central_api.council.errors import VoteRefusedError
from central_api.council.sessions import declare_conflict
from central_api.council.tables import council_ballots, council_items, council_vote_log
from central_api.council.voting import ballots, cast_vote, close_vote, open_vote
from tests.fixtures_council import CHAIR


def _open(council, key):
    with council.write() as conn:
        open_vote(conn, council.items[key], CHAIR)


def _close(council, key):
    with council.write() as conn:
        return close_vote(conn, council.items[key], CHAIR)


def test_an_ordinary_item_passes_by_more_than_half_of_those_present(council):
    council.register(*range(11))
    _open(council, "ordinary")
    for index in range(6):
        council.vote(index, "ordinary", "for")
    for index in range(6, 11):
        council.vote(index, "ordinary", "against")
    outcome = _close(council, "ordinary")
    assert outcome.passed and outcome.needed == 6 and outcome.base == 11
    with council.read() as conn:
        row = conn.execute(
            select(council_items).where(council_items.c.id == council.items["ordinary"])
        ).first()
    assert (row.for_votes, row.against, row.present, row.decision_number) == (6, 5, 11, 1)


def test_the_budget_needs_more_than_half_of_all_seventeen(council):
    council.register(*range(12))
    _open(council, "budget")
    for index in range(8):
        council.vote(index, "budget", "for")
    outcome = _close(council, "budget")
    assert not outcome.passed and outcome.needed == 9
    with council.read() as conn:
        decision = conn.execute(
            select(council_items.c.decision_number).where(
                council_items.c.id == council.items["budget"]
            )
        ).scalar()
    assert decision is None  # a rejected draft gets no decision number


def test_a_councillor_cannot_vote_twice(council):
    council.register(0, 1)
    _open(council, "ordinary")
    council.vote(1, "ordinary", "for")
    with pytest.raises(VoteRefusedError, match="already voted"):
        council.vote(1, "ordinary", "against")
    with council.read() as conn:
        assert ballots(conn, council.items["ordinary"]) == {council.members[1]["id"]: "for"}


def test_no_vote_is_cast_or_changed_after_the_close(council):
    council.register(*range(10))
    _open(council, "ordinary")
    council.vote(0, "ordinary", "for")
    _close(council, "ordinary")
    with pytest.raises(VoteRefusedError, match="closed"):
        council.vote(0, "ordinary", "against")
    with pytest.raises(VoteRefusedError, match="closed"):
        council.vote(1, "ordinary", "for")


def test_no_vote_before_the_chair_opens_it_nor_without_registering_present(council):
    council.register(0)
    with pytest.raises(VoteRefusedError, match="not open"):
        council.vote(0, "ordinary", "for")
    _open(council, "ordinary")
    with pytest.raises(VoteRefusedError, match="Register as present"):
        council.vote(5, "ordinary", "for")


def test_a_councillor_who_declared_a_conflict_cannot_vote_on_that_item(council):
    council.register(*range(10))
    with council.write() as conn:
        declare_conflict(conn, council.items["ordinary"], council.members[3]["id"], "x", "роднина")
    _open(council, "ordinary")
    with pytest.raises(VoteRefusedError, match="conflict of interest"):
        council.vote(3, "ordinary", "for")
    for index in (0, 1, 2, 4, 5):
        council.vote(index, "ordinary", "for")
    outcome = _close(council, "ordinary")
    # 10 present, 1 in conflict: 5 of the 9 who may vote is more than half.
    assert outcome.quorum and outcome.base == 9 and outcome.passed


def test_only_one_vote_is_open_at_a_time(council):
    council.register(0)
    _open(council, "ordinary")
    with pytest.raises(VoteRefusedError, match="Another vote"):
        _open(council, "budget")


def test_a_secret_vote_keeps_who_took_part_and_the_tally_never_who_voted_how(council):
    council.register(*range(12))
    _open(council, "chair_election")
    for index in range(12):
        council.vote(index, "chair_election", "for" if index < 9 else "against")
    outcome = _close(council, "chair_election")
    assert outcome.passed
    item_id = council.items["chair_election"]
    with council.read() as conn:
        choices = conn.execute(
            select(council_ballots.c.choice).where(council_ballots.c.item_id == item_id)
        ).scalars()
        assert set(choices) == {None}
        assert len(ballots(conn, item_id)) == 12
        cast = [e for e in votelog.entries(conn, f"item:{item_id}") if e["action"] == "vote.cast"]
    assert len(cast) == 12 and all('"choice":"secret"' in e["details"] for e in cast)


def test_the_vote_log_chain_verifies_and_tampering_is_found(council):
    council.register(0, 1, 2)
    _open(council, "ordinary")
    council.vote(1, "ordinary", "against")
    with council.read() as conn:
        assert votelog.verify(conn).ok
    with council.write() as conn:
        changed = conn.execute(
            update(council_vote_log)
            .where(council_vote_log.c.action == "vote.cast")
            .values(details='{"choice":"for","member":2}')
        ).rowcount
    assert changed == 1
    with council.read() as conn:
        verification = votelog.verify(conn)
    assert not verification.ok and "edited" in verification.reason


def test_an_unknown_choice_is_refused(council):
    council.register(0)
    _open(council, "ordinary")
    with council.write() as conn, pytest.raises(Exception, match="for, against or abstain"):
        cast_vote(conn, council.items["ordinary"], council.members[0]["id"], "maybe", "x")


def test_central_api_council_verify_reports_a_tampered_vote_log(council, central_cli):
    council.register(0, 1)
    assert "Vote log intact" in central_cli("council", "verify").stdout
    with council.write() as conn:
        conn.execute(
            update(council_vote_log)
            .where(council_vote_log.c.action == "presence.registered")
            .values(actor="councillor:someone-else")
        )
    result = central_cli("council", "verify", ok=False)
    assert result.exit_code == 1 and "vote log is broken at entry" in result.stderr


def test_a_councillor_is_added_from_the_command_line_linked_to_a_voting_user(central_cli):
    central_cli(
        "user", "add", "ivanova", "--role", "councillor", "--password-stdin", input="pass-1234\n"
    )
    added = central_cli(
        "council", "add-councillor", "Мария Иванова", "--group", "Група А",
        "--term-start", "2023-11-06", "--term-end", "2027-11-05", "--user", "ivanova",
    )  # fmt: skip
    assert "Мария Иванова added" in added.stdout
    refused = central_cli(
        "council", "add-councillor", "Петър Петров", "--group", "Група А",
        "--term-start", "2023-11-06", "--term-end", "2027-11-05", "--user", "nobody",
    ok=False)  # fmt: skip
    assert refused.exit_code == 1 and "must exist with the role councillor" in refused.stderr
