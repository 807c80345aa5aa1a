"""Notices, staff lists and revocations travel from a real central to a kiosk and take effect."""

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from central_api.db import write
from central_api.db.schema import requests as requests_table
from central_api.decisions import approve, revoke_document
from central_api.notices import publish
from central_api.staff import add_staff
from central_api.workflow import queue_record
from kiosk_app import staff_actions, submission, sync_actions
from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from kiosk_app.errors import NotAllowedError
from kiosk_app.store import store_for

FIELDS = {
    "first_name": "Иванка",
    "middle_name": "Петрова",
    "last_name": "Колева",
    "personal_number_kind": "egn",
    "personal_number": "7523169263",
    "phone": "0888123456",
}


@pytest.fixture
def kiosk_in_merdanya(central, central_cli, central_server, tmp_path):
    base_url, _ = central_server
    with write(central.engine) as conn:
        add_staff(conn, "merdanya", "Донка Маринова", "482915", by="admin")
        notice = {
            "kind": "council_decision",
            "date": "2026-11-20",
            "title_bg": "Решение № 12",
            "title_en": "Decision No 12",
            "body_bg": "Общинският съвет реши…",
            "body_en": "",
        }
        publish(conn, notice, b"%PDF-1.4 decision", "reshenie-12.pdf", by="admin")
    token = central_cli("kiosk", "invite", "merdanya").stdout.strip().splitlines()[-1]
    config = KioskConfig(home=tmp_path / "kiosk")
    enroll(config, base_url, token)
    return config


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_notices_and_staff_reach_a_new_kiosk_and_a_revoked_document_is_not_handed_over(
    central, central_clerk, kiosk_in_merdanya
):
    config = kiosk_in_merdanya
    sync_actions.sync_now(config)

    with store_for(config) as store:
        notices = store.get_setting("notices")
        staff = store.get_setting("staff")
    assert [n["title"]["bg"] for n in notices] == ["Решение № 12"]
    assert Path(notices[0]["pdf"]).read_bytes() == b"%PDF-1.4 decision"
    assert [s["name"] for s in staff] == ["Донка Маринова"]
    assert "482915" not in str(staff)
    assert PasswordHasher().verify(staff[0]["pin_hash"], "482915")  # the PIN staff will type

    reference = submission.submit_request(config, "permanent-address-certificate", FIELDS)
    sync_actions.sync_now(config)
    _, document = approve(central.engine, reference, central_clerk, signer=central.document_signer)
    sync_actions.sync_now(config)
    staff_actions.record_fee_payment(config, reference, "cash", "К-17", staff[0]["staff_id"])

    revoke_document(central.engine, document["number"], "wrong address", central_clerk)
    with write(central.engine) as conn:
        kiosk_id = conn.execute(
            select(requests_table.c.kiosk_id).where(requests_table.c.reference == reference)
        ).scalar()
        queue_record(
            conn,
            kiosk_id,
            "document.revoked",
            {
                "reference": reference,
                "number": document["number"],
                "reason": "wrong address",
                "by": central_clerk,
                "at": "2026-11-25T10:00:00Z",
            },
        )
    sync_actions.sync_now(config)

    listed = staff_actions.ready_documents(config)  # listed as revoked, with nothing to do
    assert [(d.number, d.revoked_at) for d in listed] == [
        (document["number"], "2026-11-25T10:00:00Z")
    ]
    with pytest.raises(NotAllowedError, match="revoked"):
        staff_actions.mark_delivered(config, reference, "merdanya-1")
    with pytest.raises(NotAllowedError, match="revoked"):
        staff_actions.reprint_document(config, reference)
