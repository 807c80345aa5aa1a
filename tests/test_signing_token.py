"""Documents signed on a PKCS#11 token (SoftHSM2), time-stamped by a TSA (certomancer), both
on loopback: validated by pyHanko with the token's certificate as trust root; a wrong PIN, a
missing token or an unreachable TSA issue nothing; a batch signs under one PIN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central_api import decisions
from central_api.db import read
from central_api.db.schema import documents, outbound_records, outgoing_series
from central_api.documents import verify_pdf
from central_api.errors import DocumentIssueError, SigningTokenError
from central_api.workflow import get_request
from tests.central_on_token import central_config, central_env, signing  # noqa: F401
from tests.fixtures_central import free_port
from tests.fixtures_signing import (
    asn1_certificate,
    needs_softhsm,
    token_settings,
    validated_signature,
)
from tests.test_central_workflow import upload

pytestmark = needs_softhsm


@pytest.fixture
def waiting(central_client, sim_kiosk) -> list[str]:
    """Three requests from a kiosk, received at central."""
    records = [sim_kiosk.submitted() for _ in range(3)]
    assert {r["status"] for r in upload(central_client, sim_kiosk, records)} == {"applied"}
    return [record["body"]["reference"] for record in records]


def nothing_issued(central, references) -> None:
    with read(central.engine) as conn:
        assert conn.execute(select(func.count()).select_from(documents)).scalar() == 0
        assert conn.execute(select(outgoing_series.c.last)).scalar() in (None, 0)
        queued = conn.execute(select(outbound_records.c.type)).scalars().all()
        assert "document.issued" not in queued
        assert {get_request(conn, ref)["status"] for ref in references} == {"received"}


def test_the_key_was_made_on_the_token_and_cannot_leave_it(softhsm_token):
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    token = pkcs11.lib(softhsm_token.module).get_token(token_label=softhsm_token.token_label)
    with token.open(user_pin=softhsm_token.pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=softhsm_token.key_label)
        assert key[Attribute.SENSITIVE] is True and key[Attribute.EXTRACTABLE] is False
        assert key[Attribute.LOCAL] is True  # generated on the token, not imported


def test_a_document_signed_on_the_token_is_time_stamped_and_validates(
    central, central_clerk, waiting, softhsm_token, timestamp_authority, tmp_path
):
    with central.open_signer(softhsm_token.pin) as signer:
        _, issued = decisions.approve(central.engine, waiting[0], central_clerk, signer=signer)
    with read(central.engine) as conn:
        pdf = conn.execute(select(documents.c.pdf)).scalar_one()

    signature = validated_signature(
        pdf, softhsm_token.certificate_pem, timestamp_authority.root_pem
    )
    assert signature.signer_cert.dump() == asn1_certificate(softhsm_token.certificate_pem).dump()

    # Our own offline check agrees, and says the time is the TSA's.
    result = verify_pdf(pdf, softhsm_token.certificate_pem, timestamp_authority.root_pem)
    assert result.number == issued["number"] and result.timestamped
    # Without the TSA's root the time-stamp, and so the document, does not verify.
    with pytest.raises(Exception, match="time-stamp"):
        verify_pdf(pdf, softhsm_token.certificate_pem)


def test_a_batch_is_signed_under_one_pin(
    central, central_clerk, waiting, softhsm_token, timestamp_authority
):
    with central.open_signer(softhsm_token.pin) as signer:
        issued = decisions.approve_batch(central.engine, waiting, central_clerk, signer)
    assert [d["reference"] for d in issued] == waiting
    assert len({d["number"] for d in issued}) == 3
    with read(central.engine) as conn:
        pdfs = conn.execute(select(documents.c.pdf).order_by(documents.c.id)).scalars().all()
    for pdf in pdfs:
        assert verify_pdf(pdf, softhsm_token.certificate_pem, timestamp_authority.root_pem)


def test_a_wrong_pin_issues_nothing_and_says_so_in_bulgarian(central, central_clerk, waiting):
    with pytest.raises(SigningTokenError) as refused, central.open_signer("000000") as signer:
        decisions.approve_batch(central.engine, waiting, central_clerk, signer)
    assert refused.value.code == "token_pin"
    assert refused.value.message.startswith("Грешен ПИН код на токена за подписване")
    nothing_issued(central, waiting)


def test_a_missing_token_issues_nothing(
    central_config,  # noqa: F811 (the module's, signing on the token)
    softhsm_token,
    timestamp_authority,
    central_clerk,
    waiting,
):
    from central_api.context import Central

    elsewhere = Central.from_config(
        {**central_config, **token_settings(softhsm_token, timestamp_authority.url, "no-card")}
    )
    with (
        pytest.raises(SigningTokenError) as refused,
        elsewhere.open_signer(softhsm_token.pin) as signer,
    ):
        decisions.approve_batch(elsewhere.engine, waiting, central_clerk, signer)
    assert refused.value.code == "token_missing"
    assert "не е намерен" in refused.value.message
    nothing_issued(elsewhere, waiting)
    elsewhere.dispose()


def test_a_token_pulled_out_in_the_middle_of_a_batch_issues_none_of_it(
    central, central_clerk, waiting, softhsm_token
):
    """The card leaves the reader after the first document is signed (its session ends): the
    first document, already signed, is not issued either."""
    with (
        pytest.raises(SigningTokenError) as refused,
        central.open_signer(softhsm_token.pin) as signer,
    ):
        sign, signed = signer.sign_es256, []

        def then_pulled_out(data: bytes) -> bytes:
            if signed:
                signer._session.close()  # what removing the card does to the session
            signed.append(data)
            return sign(data)

        signer.sign_es256 = then_pulled_out
        decisions.approve_batch(central.engine, waiting, central_clerk, signer)
    assert len(signed) == 2  # the first document was signed, the second found no token
    assert refused.value.code in {"token_missing", "signing_device"}
    assert refused.value.message.startswith("Токенът за подписване")
    assert "нищо не е подписано" in refused.value.message.lower() or "Нищо не е подписано" in (
        refused.value.message
    )
    nothing_issued(central, waiting)


def test_a_locked_token_is_its_own_clear_error(softhsm_token):
    """SoftHSM2 2.6.1 never locks a PIN (it only sets CKF_USER_PIN_COUNT_LOW; checked with 20
    wrong PINs), so the lock a card reports (CKR_PIN_LOCKED) is raised here as python-pkcs11
    raises it."""
    from pkcs11 import exceptions as p11_errors

    from central_api.documents.errors import TokenLockedError
    from central_api.documents.signing import _token_errors

    with pytest.raises(TokenLockedError) as refused, _token_errors():
        raise p11_errors.PinLocked()
    assert refused.value.code == "token_locked" and refused.value.http_status == 403
    assert refused.value.message.startswith("Токенът за подписване е заключен")
    assert "PUK" in refused.value.message


def test_an_unreachable_tsa_leaves_nothing_numbered_or_sent(
    central_config,  # noqa: F811 (the module's, signing on the token)
    softhsm_token,
    central_clerk,
    waiting,
):
    """The counter, the document and the kiosk's downlink are one transaction: the time-stamp
    fails on the second of three, and not even the first is issued."""
    from central_api.context import Central

    dead_tsa = f"http://127.0.0.1:{free_port()}/tsa"
    offline = Central.from_config({**central_config, "TSA_URL": dead_tsa})
    with (
        pytest.raises(DocumentIssueError) as refused,
        offline.open_signer(softhsm_token.pin) as signer,
    ):
        decisions.approve_batch(offline.engine, waiting, central_clerk, signer)
    assert refused.value.code == "timestamp_unavailable"
    assert "(TSA)" in refused.value.message and "не е подписан, номериран, нито изпратен" in (
        refused.value.message
    )
    nothing_issued(offline, waiting)
    offline.dispose()


def test_the_command_line_reads_the_pin_from_stdin(central_cli, central_clerk, waiting):
    wrong = central_cli(
        "requests", "approve", *waiting[:2], "--as", central_clerk, "--pin-stdin",
        input="111111\n", ok=False,
    )  # fmt: skip
    assert wrong.exit_code == 1 and "Грешен ПИН" in wrong.stderr
    from tests.fixtures_signing import USER_PIN

    done = central_cli(
        "requests", "approve", *waiting[:2], "--as", central_clerk, "--pin-stdin",
        input=USER_PIN + "\n",
    )  # fmt: skip
    assert done.stdout.count("approved and issued") == 2
    listed = json.loads(central_cli("requests", "list", "--status", "issued", "--json").stdout)
    assert {r["reference"] for r in listed} == set(waiting[:2])


def test_the_office_approves_a_batch_under_one_pin_typed_once(
    central, office_client, office_kiosk, softhsm_token
):
    clerk = office_client("clerk")
    queue = clerk.get("/office/queue").get_data(as_text=True)
    assert 'name="pin" type="password"' in queue and "Одобри и подпиши избраните" in queue
    assert 'data-signing="Подписване…"' in queue  # the button says so while it signs
    references = office_kiosk["references"]

    wrong = clerk.post(
        "/office/requests/approve",
        {"reference": references, "pin": "999999"},
        follow_redirects=True,
    )
    assert "Грешен ПИН код на токена за подписване" in wrong.get_data(as_text=True)
    nothing_issued(central, references)

    done = clerk.post(
        "/office/requests/approve",
        {"reference": references, "pin": softhsm_token.pin},
        follow_redirects=True,
    )
    assert "Издадени документи: 3" in done.get_data(as_text=True)
    with read(central.engine) as conn:
        assert conn.execute(select(func.count()).select_from(documents)).scalar() == 3
        rows = conn.execute(select(outbound_records.c.record)).scalars().all()
    assert not any(softhsm_token.pin in row for row in rows)  # the PIN is kept nowhere
    picture_of_the_batch(queue)


def picture_of_the_batch(queue_html: str) -> None:
    """docs/screenshots/documents/batch-approval.png: the queue as served above, three ticked
    and the PIN typed once (drawn last: Playwright's loop would stop pyHanko's asyncio.run)."""
    from deploy.office_screenshots import CHROMIUM
    from tests.make_signing_screenshots import ROOT, office_page_picture

    if not Path(CHROMIUM).exists():
        return  # the picture is documentation; the behaviour was asserted above
    path = ROOT / "docs" / "screenshots" / "documents" / "batch-approval.png"
    assert office_page_picture(queue_html, path, selected=3, pin="000000").stat().st_size > 0
