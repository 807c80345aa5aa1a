"""A request's page and the clerk's actions on it, through the office's forms."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from central_api import restore
from central_api.db import read, write
from central_api.db.schema import documents, outbound_records, requests


def _request(central, reference: str) -> dict:
    with read(central.engine) as conn:
        return dict(
            conn.execute(select(requests).where(requests.c.reference == reference)).mappings().one()
        )


def _outbound(central, record_type: str) -> list[dict]:
    with read(central.engine) as conn:
        rows = conn.execute(
            select(outbound_records.c.record).where(outbound_records.c.type == record_type)
        ).scalars()
        return [json.loads(row)["body"] for row in rows]


def test_the_page_shows_the_form_history_kiosk_and_staff_member(office_client, office_kiosk):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][0]
    page = clerk.get(f"/office/requests/{reference}").get_data(as_text=True)
    assert reference in page
    assert "Собствено име" in page and "ЕГН" in page  # the catalogue's labels
    assert "dzhulyunitsa-1" in page and "Донка Маринова" in page
    assert "получено" in page  # the history's first event
    assert "Одобри и издай документа" in page


def test_asking_for_information_sends_the_question_to_the_kiosk(
    central, office_client, office_kiosk
):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][0]
    version = _request(central, reference)["version"]
    clerk.post(f"/office/requests/{reference}/ask", {"question": "", "version": version})
    assert _request(central, reference)["status"] == "received"
    answer = clerk.post(
        f"/office/requests/{reference}/ask",
        {"question": "Кой е номерът на акта за раждане?", "version": version},
        follow_redirects=True,
    )
    assert "ще бъде изпратен" in answer.get_data(as_text=True)
    row = _request(central, reference)
    assert row["status"] == "needs_info" and row["question"].startswith("Кой е")
    sent = [b for b in _outbound(central, "request.status_changed") if b["reference"] == reference]
    assert sent[-1]["status"] == "needs_info" and sent[-1]["question"].startswith("Кой е")


def test_a_rejection_needs_a_reason(central, office_client, office_kiosk):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][1]
    page = clerk.post(
        f"/office/requests/{reference}/reject", {"reason": "  "}, follow_redirects=True
    )
    assert "Напишете причина" in page.get_data(as_text=True)
    assert _request(central, reference)["status"] == "received"
    clerk.post(f"/office/requests/{reference}/reject", {"reason": "Няма адрес в селото."})
    assert _request(central, reference)["status"] == "rejected"


def test_approving_issues_one_document_even_from_a_stale_page(central, office_client, office_kiosk):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][2]
    seen = _request(central, reference)["version"]
    clerk.post(f"/office/requests/{reference}/approve", {"version": seen})
    row = _request(central, reference)
    assert row["status"] == "issued" and row["document_number"]
    again = clerk.post(
        f"/office/requests/{reference}/approve", {"version": seen}, follow_redirects=True
    )
    assert "Някой друг току-що промени заявлението" in again.get_data(as_text=True)
    with read(central.engine) as conn:
        numbers = list(
            conn.execute(
                select(documents.c.number).where(documents.c.reference == reference)
            ).scalars()
        )
    assert numbers == [row["document_number"]]
    pdf = clerk.get(f"/office/documents/{numbers[0]}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Type"] == "application/pdf"


def test_a_clerk_sees_why_issuing_waits_after_a_restore_until_the_kiosks_report(
    central, office_client, office_kiosk
):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][2]
    with write(central.engine) as conn:  # what `central-api init` does after a restore
        restore.start_epoch(conn, "restored from a backup")
    page = clerk.get(f"/office/requests/{reference}").get_data(as_text=True)
    assert "Издаването на документи е спряно" in page and "dzhulyunitsa-1" in page
    assert 'disabled aria-describedby="numbering-paused"' in page
    refused = clerk.post(
        f"/office/requests/{reference}/approve",
        {"version": _request(central, reference)["version"]},
    )
    assert refused.status_code == 503
    assert "още не дава изходящи номера" in refused.get_data(as_text=True)
    assert _request(central, reference)["document_number"] is None

    restore.forgo_kiosk(central.engine, "dzhulyunitsa-1", "never comes back", "admin:test")
    page = clerk.get(f"/office/requests/{reference}").get_data(as_text=True)
    assert "numbering-paused" not in page
    clerk.post(
        f"/office/requests/{reference}/approve",
        {"version": _request(central, reference)["version"]},
    )
    assert _request(central, reference)["document_number"].split("-")[1] == "2"  # epoch 2


def test_the_preview_is_a_draft_that_never_verifies(central, office_client, office_kiosk):
    from central_api.documents import DraftDocumentError, verify_pdf

    clerk = office_client("clerk")
    reference = office_kiosk["references"][0]
    preview = clerk.get(f"/office/requests/{reference}/preview.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF-")
    with pytest.raises(DraftDocumentError):
        verify_pdf(preview.data, central.document_signer.certificate_pem())
    with read(central.engine) as conn:
        assert conn.execute(select(documents.c.id)).first() is None  # nothing was issued


def test_revoking_a_document_says_so_to_verifiers_and_the_kiosk(
    central_client, central, office_client, office_kiosk
):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][2]
    clerk.post(f"/office/requests/{reference}/approve")
    number = _request(central, reference)["document_number"]
    clerk.post(f"/office/documents/{number}/revoke", {"reason": ""})
    assert central_client.get(f"/verify/{number}").get_json()["status"] == "valid"
    clerk.post(f"/office/documents/{number}/revoke", {"reason": "Издаден по грешка."})
    clerk.post(f"/office/documents/{number}/revoke", {"reason": "Отново."})
    assert central_client.get(f"/verify/{number}").get_json()["status"] == "revoked"
    told = _outbound(central, "document.revoked")
    assert len(told) == 1 and told[0]["number"] == number and told[0]["reason"].startswith("Изд")
    page = clerk.get(f"/office/requests/{reference}").get_data(as_text=True)
    assert "Издаден по грешка." in page


def test_an_unknown_request_is_a_page_not_json(office_client):
    answer = office_client("clerk").get("/office/requests/XXX9-99999")
    assert answer.status_code == 404
    assert "<html" in answer.get_data(as_text=True)


def test_a_fee_paid_needs_the_way_and_the_receipt_and_travels_to_the_kiosk(
    central, office_client, office_kiosk
):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][0]
    refused = clerk.post(
        f"/office/requests/{reference}/fee", {"fee_status": "paid"}, follow_redirects=True
    )
    assert "Не е извършено" in refused.get_data(as_text=True)
    assert _request(central, reference)["fee_status"] == "paid"  # as the kiosk sent it
    clerk.post(
        f"/office/requests/{reference}/fee",
        {"fee_status": "paid", "fee_method": "card", "receipt_number": "R-77"},
    )
    row = _request(central, reference)
    assert (row["fee_status"], row["fee_method"], row["fee_receipt_number"]) == (
        "paid",
        "card",
        "R-77",
    )
    assert _outbound(central, "request.fee_changed")[-1]["fee"]["receipt_number"] == "R-77"


def test_an_illegal_step_is_a_409_that_says_why(central, office_client, office_kiosk):
    clerk = office_client("clerk")
    reference = office_kiosk["references"][1]
    clerk.post(f"/office/requests/{reference}/reject", {"reason": "Няма адрес в селото."})
    row = _request(central, reference)
    assert row["status"] == "rejected"
    answer = clerk.post(f"/office/requests/{reference}/approve", {"version": row["version"]})
    assert answer.status_code == 409
    assert "cannot become approved" in answer.get_data(as_text=True)
    assert _request(central, reference)["status"] == "rejected"
