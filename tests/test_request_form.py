"""The villager's request form printed at submission: its text (pdftotext) holds the request's
answers, the service and the reference as incoming number; the hand-over waits for it to be
filed. (With real processes end to end: tests/test_fee_both_ways.py.)"""

from __future__ import annotations

import subprocess

import pytest

from kiosk_app import staff_actions, submission, sync_actions
from kiosk_app.app import KioskApp
from kiosk_app.errors import NotAllowedError
from kiosk_app.store import store_for
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record

SERVICE = "permanent-address-certificate"


def pdf_text(path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


def test_the_printed_request_form_holds_the_answers_and_the_reference(enrolled_kiosk):
    reference = submission.submit_request(enrolled_kiosk, SERVICE, VALID_FIELDS)
    printed = KioskApp(enrolled_kiosk).print_receipt(reference)
    assert printed["form_status"] == "printed"  # the slip and then the form for signing
    [form_pdf] = (enrolled_kiosk.home / "printed").glob(f"request-form-{reference}*.pdf")
    text = pdf_text(form_pdf)  # what the printer was given
    for expected in (
        "ДО КМЕТА НА КМЕТСТВО ДЖУЛЮНИЦА ОБЩИНА ЛЯСКОВЕЦ",
        f"Вх. № {reference} /",
        "ИСКАНЕ",
        "за издаване на удостоверение за постоянен адрес",
        "(чл. 106, ал. 1, т. 1 ЗГР; чл. 29 от Административнопроцесуалния кодекс)",
        # each answer under the catalogue's label (the test catalogue labels fields by name)
        "first_name Иван",
        "middle_name Петров",
        "last_name Иванов",
        "egn 7523169263",
        "id_document_number 645123456",
        "phone +359888123456",
        "Вид на услугата Обикновена",
        "Такса 2,56 евро",
        "Подпис на заявителя:",
        "Приел(а) и завел(а) искането",
    ):
        assert expected in text, expected


# Made without staff, the request's identity card is checked at the hand-over.
ID_CARD_CHECKED = "645123456"


def test_the_document_is_not_handed_over_until_the_signed_form_is_filed(
    enrolled_kiosk, fake_central
):
    reference = submission.submit_request(
        enrolled_kiosk, SERVICE, VALID_FIELDS, fee={"status": "exempt"}
    )
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    fake_central.queue_downlink([issued_document_record(reference)])
    sync_actions.sync_now(enrolled_kiosk, transport=fake_central)
    with store_for(enrolled_kiosk) as store:
        store.set_setting("staff", [{"staff_id": "staff-1", "name": "Донка", "pin_hash": "x"}])
    [ready] = staff_actions.ready_documents(enrolled_kiosk)
    assert ready.form_filed_at is None

    with pytest.raises(NotAllowedError) as refused:
        staff_actions.mark_delivered(enrolled_kiosk, reference, "staff-1", ID_CARD_CHECKED)
    assert refused.value.message.startswith(f"Подписаното искане {reference} не е заведено")
    with pytest.raises(NotAllowedError, match="staff list"):
        staff_actions.record_form_filed(enrolled_kiosk, reference, "stranger")

    filed = staff_actions.record_form_filed(enrolled_kiosk, reference, "staff-1")
    assert staff_actions.record_form_filed(enrolled_kiosk, reference, "staff-1") == filed  # once
    assert staff_actions.ready_documents(enrolled_kiosk)[0].form_filed_at == filed["at"]
    staff_actions.mark_delivered(enrolled_kiosk, reference, "staff-1", ID_CARD_CHECKED)
    assert submission.request_status(enrolled_kiosk, reference).status == "delivered"
    with store_for(enrolled_kiosk) as store:
        sent = [e["type"] for e in store.events_of(reference) if e["direction"] == "up"]
    assert sent.index("request.form_filed") < sent.index("request.delivered")
