"""The protocol of a session and a decision as signed PDFs, read back with pdftotext."""

from __future__ import annotations

import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from central_api.council.errors import VoteRefusedError
from central_api.council.protocol import decision_pdf
from central_api.council.sessions import close_session, declare_conflict
from central_api.council.voting import close_vote, open_vote
from tests.fixtures_council import CHAIR


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


def signature_count(pdf: bytes) -> int:
    import io

    return len(PdfFileReader(io.BytesIO(pdf)).embedded_signatures)


@pytest.fixture
def held_session(council):
    """Twelve present; the ordinary item passes openly, the budget by named vote, the chair
    election by secret ballot; councillor 05 declared a conflict on the budget."""
    council.register(*range(12))
    with council.write() as conn:
        declare_conflict(conn, council.items["budget"], council.members[4]["id"], "x")
    plans = {
        "ordinary": ["for"] * 7 + ["against"] * 5,
        "budget": ["for"] * 9 + ["abstain"] * 2,
        "chair_election": ["for"] * 10 + ["against"] * 2,
    }
    for key, choices in plans.items():
        with council.write() as conn:
            open_vote(conn, council.items[key], CHAIR)
        voters = [i for i in range(12) if not (key == "budget" and i == 4)]
        for index, choice in zip(voters, choices, strict=True):
            council.vote(index, key, choice)
        with council.write() as conn:
            close_vote(conn, council.items[key], CHAIR)
    with council.write() as conn:
        close_session(conn, council.session_id, CHAIR)
    return council


def test_the_signed_protocol_lists_attendance_items_rules_results_and_named_votes(
    held_session, central_cli, tmp_path
):
    out = tmp_path / "protocol.pdf"
    answer = central_cli("council", "protocol", "7", "--out", str(out))
    assert "signed" in answer.stdout
    pdf = out.read_bytes()
    assert signature_count(pdf) == 1
    text = pdf_text(pdf, tmp_path)
    members = held_session.members
    assert "ПРОТОКОЛ № 7" in text
    assert "Присъстваха 12 от 17 общински съветници; кворумът е 9" in text
    assert f"Отсъстваха: {members[12]['name']}" in text
    assert "Точка 2. Бюджет на Община Лясковец за 2027 г." in text
    assert "необходимо мнозинство: повече от половината от всички съветници" in text
    assert "(чл. 21, ал. 1, т. 6 и чл. 27, ал. 4 и 5 ЗМСМА)" in text
    assert "„за“: 9, „против“: 0, „въздържал се“: 2; с конфликт на интереси: 1" in text
    assert f"Заявили конфликт на интереси (не гласуват): {members[4]['name']}" in text
    # Named vote: every councillor's vote, the conflict and the absent too.
    for index, vote in (
        (0, "за"),
        (10, "въздържа се"),
        (4, "конфликт на интереси"),
        (15, "отсъства"),
    ):
        assert f"{members[index]['name']} {members[index]['group']} {vote}" in text
    # Secret ballot: who took part, never how.
    assert "Тайно гласуване; участвали (12)" in text
    assert "Решение № 1/2026" in text and "Решение № 3/2026" in text


def test_no_protocol_before_the_session_is_closed(council, central_cli):
    result = central_cli("council", "protocol", "7", ok=False)
    assert result.exit_code == 1 and "after the session is closed" in result.stderr


def test_an_adopted_decision_is_a_numbered_signed_document(held_session, central, tmp_path):
    with held_session.read() as conn:
        pdf = decision_pdf(conn, held_session.items["budget"], central.document_signer)
    assert signature_count(pdf) == 1
    text = pdf_text(pdf, tmp_path)
    assert "РЕШЕНИЕ № 2/2026" in text
    assert "На основание чл. 21, ал. 1, т. 6 и чл. 27, ал. 4 и 5 ЗМСМА" in text
    assert "Общинският съвет приема: Бюджет на Община Лясковец за 2027 г." in text


def test_an_item_not_adopted_has_no_decision_document(council, central):
    with council.read() as conn, pytest.raises(VoteRefusedError, match="not adopted"):
        decision_pdf(conn, council.items["ordinary"], central.document_signer)
