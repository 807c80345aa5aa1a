"""Request workflow at central: decisions, documents, downlink, fees, concurrency."""

from __future__ import annotations

import base64
import hashlib
import threading

import pytest
from sqlalchemy import func, select

from central_api import decisions
from central_api.db import read
from central_api.db.schema import documents, quarantined_records, request_events
from central_api.errors import (
    ConflictError,
    FeeDueError,
    FormNotFiledError,
    IllegalTransitionError,
)
from central_api.workflow import TRANSITIONS, check_transition, events, get_request
from sync import open_receipt

OCTET = {"Content-Type": "application/octet-stream"}


def upload(client, kiosk, records) -> list[dict]:
    answer = client.post("/api/v1/bundles", data=kiosk.bundle(records), headers=OCTET)
    assert answer.status_code == 200, answer.get_json()
    return open_receipt(answer.data, kiosk.keyring()).record_results


def fetch_all_downlink(client, kiosk) -> list[dict]:
    """Fetch, open and acknowledge downlink bundles until there are none; their records."""
    records, after = [], 0
    for _ in range(20):
        answer = client.get(f"/api/v1/kiosks/{kiosk.kiosk_id}/downlink?after={after}")
        if answer.status_code == 204:
            return records
        assert answer.status_code == 200
        opened = kiosk.open(answer.data)
        records.extend(opened.records)
        after = opened.seq
        ack = client.post("/api/v1/receipts", data=kiosk.receipt_for(answer.data), headers=OCTET)
        assert ack.status_code == 200 and ack.get_json()["acknowledged"] is True
    raise AssertionError("the downlink never ran dry")


@pytest.fixture
def submitted(central_client, sim_kiosk):
    record = sim_kiosk.submitted()
    assert upload(central_client, sim_kiosk, [record])[0]["status"] == "applied"
    return record["body"]["reference"]


def test_received_request_has_a_due_date_and_an_event(central, submitted):
    with read(central.engine) as conn:
        request = get_request(conn, submitted)
        events = conn.execute(select(request_events)).mappings().all()
    assert request["status"] == "received" and request["due_date"]
    assert request["fee_status"] == "due"
    assert [(e["to_status"], e["via"]) for e in events] == [("received", "kiosk")]


def test_approve_issues_a_document_and_queues_it_for_the_kiosk(
    central, central_cli, central_clerk, central_client, sim_kiosk, submitted
):
    result = central_cli("requests", "approve", submitted, "--as", central_clerk)
    assert "Изх. №" in result.stdout
    listed = central_cli("requests", "list", "--status", "issued", "--json").stdout
    assert submitted in listed
    with read(central.engine) as conn:
        document = conn.execute(select(documents)).mappings().one()
    assert document["number"].endswith("-000001") and document["pdf"].startswith(b"%PDF")
    records = fetch_all_downlink(central_client, sim_kiosk)
    types = [r["type"] for r in records]
    assert types == ["request.status_changed", "document.issued"]
    assert records[0]["body"]["status"] == "issued"
    issued = records[1]["body"]
    pdf = base64.b64decode(issued["pdf_b64"])
    assert hashlib.sha256(pdf).hexdigest() == issued["sha256"] == document["sha256"]
    assert issued["number"] == document["number"]


def test_downlink_is_resent_until_acknowledged(
    central_cli, central_clerk, central_client, sim_kiosk, submitted
):
    central_cli("requests", "approve", submitted, "--as", central_clerk)
    url = f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink?after=0"
    first = central_client.get(url)
    again = central_client.get(url)
    assert first.status_code == 200 and again.data == first.data
    assert (
        central_client.get(f"/api/v1/kiosks/{sim_kiosk.kiosk_id}/downlink?after=1").status_code
        == 204
    )
    ack = central_client.post(
        "/api/v1/receipts", data=sim_kiosk.receipt_for(first.data), headers=OCTET
    )
    assert ack.status_code == 200
    forged = central_client.post("/api/v1/receipts", data=b"<html>ok</html>", headers=OCTET)
    assert forged.status_code == 401 and forged.get_json()["error"]["code"] == "unauthenticated"


def test_a_decided_request_cannot_be_decided_again(central_cli, central_clerk, submitted):
    central_cli(
        "requests", "reject", submitted, "--reason", "Няма такъв адрес", "--as", central_clerk
    )
    result = central_cli("requests", "approve", submitted, "--as", central_clerk, ok=False)
    assert result.exit_code == 1
    assert "is rejected; it cannot become approved" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_illegal_transitions_are_conflicts_with_a_reason():
    assert IllegalTransitionError.http_status == 409
    with pytest.raises(IllegalTransitionError, match="received; it cannot become issued"):
        check_transition("received", "issued", "DZH1-00001")
    assert TRANSITIONS["delivered"] == set()


def test_concurrent_approvals_yield_exactly_one_document(central, central_clerk, submitted):
    outcomes = []

    def decide():
        try:
            decisions.approve(
                central.engine, submitted, central_clerk, signer=central.document_signer
            )
            outcomes.append("issued")
        except ConflictError as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=decide) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("issued") == 1 and len(outcomes) == 4
    with read(central.engine) as conn:
        assert conn.execute(select(func.count()).select_from(documents)).scalar() == 1


def test_outgoing_numbers_have_no_gaps(central, central_client, central_clerk, sim_kiosk):
    records = [sim_kiosk.submitted() for _ in range(3)]
    upload(central_client, sim_kiosk, records)
    for record in records:
        decisions.approve(
            central.engine,
            record["body"]["reference"],
            central_clerk,
            signer=central.document_signer,
        )
    with read(central.engine) as conn:
        seqs = conn.execute(select(documents.c.seq).order_by(documents.c.seq)).scalars().all()
    assert seqs == [1, 2, 3]


def test_needs_info_question_goes_down_and_the_answer_comes_back(
    central, central_cli, central_clerk, central_client, sim_kiosk, submitted
):
    central_cli(
        "requests", "ask", submitted, "--question", "Кой е настоящият адрес?", "--as", central_clerk
    )
    records = fetch_all_downlink(central_client, sim_kiosk)
    assert records[-1]["body"]["status"] == "needs_info"
    assert records[-1]["body"]["question"] == "Кой е настоящият адрес?"
    answer = sim_kiosk.record(
        "request.info_answered", {"reference": submitted, "answer": "ул. Витоша 1", "at": "x"}
    )
    assert upload(central_client, sim_kiosk, [answer])[0]["status"] == "applied"
    with read(central.engine) as conn:
        request = get_request(conn, submitted)
    assert request["status"] == "in_review" and request["answer"] == "ул. Витоша 1"


def test_the_member_of_staff_who_helped_answer_is_in_the_history(
    central, central_cli, central_clerk, central_client, sim_kiosk, submitted
):
    central_cli("requests", "ask", submitted, "--question", "Кой етаж?", "--as", central_clerk)
    answer = sim_kiosk.record(
        "request.info_answered",
        {"reference": submitted, "answer": "Втори", "at": "x", "staff_id": "staff-7"},
    )
    assert upload(central_client, sim_kiosk, [answer])[0]["status"] == "applied"
    with read(central.engine) as conn:
        history = events(conn, get_request(conn, submitted))
    assert history[-1]["to_status"] == "in_review" and history[-1]["actor"] == "staff-7"
    assert history[-1]["via"] == "kiosk"


def test_delivery_is_refused_while_the_fee_is_due(
    central, central_cli, central_clerk, central_client, sim_kiosk, submitted
):
    central_cli("requests", "approve", submitted, "--as", central_clerk)
    results = printed_and_delivered(central_client, sim_kiosk, submitted)
    assert results[0]["status"] == "applied"
    assert results[1]["status"] == "quarantined" and "fee" in results[1]["reason"]
    central_cli(
        "requests",
        "fee",
        submitted,
        "--status",
        "paid",
        "--method",
        "cash",
        "--receipt-number",
        "0001234",
    )
    retry = [form_filed(sim_kiosk, submitted), delivered(sim_kiosk, submitted)]
    results = upload(central_client, sim_kiosk, retry)
    assert [result["status"] for result in results] == ["applied", "applied"]
    with read(central.engine) as conn:
        request = get_request(conn, submitted)
    assert request["status"] == "delivered" and request["fee_receipt_number"] == "0001234"
    assert FeeDueError.http_status == 409


def form_filed(sim_kiosk, reference: str) -> dict:
    return sim_kiosk.record(
        "request.form_filed",
        {"reference": reference, "staff_id": "s1", "at": "2026-11-25T09:12:00Z"},
    )


def printed_and_delivered(central_client, sim_kiosk, reference: str) -> list[dict]:
    """The kiosk prints the document and says it handed it over: central's answers to both."""
    printed = sim_kiosk.record("request.printed", {"reference": reference, "reprint": False})
    return upload(central_client, sim_kiosk, [printed, delivered(sim_kiosk, reference)])


def delivered(sim_kiosk, reference: str) -> dict:
    return sim_kiosk.record("request.delivered", {"reference": reference, "staff_id": "s1"})


def test_delivery_is_refused_until_the_signed_form_is_filed(
    central, central_cli, central_clerk, central_client, sim_kiosk, submitted
):
    """The kiosk refuses the hand-over before the form is filed; central holds to it as well,
    whatever a kiosk sends."""
    central_cli("requests", "approve", submitted, "--as", central_clerk)
    central_cli("requests", "fee", submitted, "--status", "exempt")
    results = printed_and_delivered(central_client, sim_kiosk, submitted)
    assert [result["status"] for result in results] == ["applied", "quarantined"]
    assert "Подписаното искане" in results[1]["reason"] and "not on file" in results[1]["reason"]
    with read(central.engine) as conn:
        assert get_request(conn, submitted)["status"] == "printed"

    again = [form_filed(sim_kiosk, submitted), delivered(sim_kiosk, submitted)]
    results = upload(central_client, sim_kiosk, again)
    assert [result["status"] for result in results] == ["applied", "applied"]
    with read(central.engine) as conn:
        request = get_request(conn, submitted)
    assert request["status"] == "delivered" and request["form_filed_by"] == "s1"
    assert FormNotFiledError.code == "form_not_filed"


def test_a_bad_record_is_quarantined_and_the_rest_flow(central, central_client, sim_kiosk):
    bad = sim_kiosk.submitted(
        fields={
            "first_name": "Иван",
            "personal_number_kind": "egn",
            "personal_number": "1234567890",
        }
    )
    good = sim_kiosk.submitted()
    foreign = sim_kiosk.submitted(reference="MER1-00001")
    unknown = sim_kiosk.record("request.teleported", {})
    results = upload(central_client, sim_kiosk, [bad, good, foreign, unknown])
    assert [r["status"] for r in results] == [
        "quarantined",
        "applied",
        "quarantined",
        "quarantined",
    ]
    assert "personal_number" in results[0]["reason"]
    with read(central.engine) as conn:
        assert conn.execute(select(func.count()).select_from(quarantined_records)).scalar() == 3
        assert get_request(conn, good["body"]["reference"])["status"] == "received"
