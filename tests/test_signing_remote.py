"""Documents signed at a remote qualified signing service through the Cloud Signature
Consortium API (pyHanko's CSC signer against certomancer-csc-dummy on loopback), time-stamped
by the local TSA, validated by pyHanko with the provider's root; an unreachable service or a
refused authorisation (wrong PIN) issues nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from central_api import decisions
from central_api.db import read
from central_api.db.schema import documents
from central_api.documents import verify_pdf, verify_statement
from central_api.errors import SigningTokenError
from tests.fixtures_central import free_port
from tests.fixtures_signing import (
    REMOTE_PIN,
    asn1_certificate,
    remote_settings,
    validated_signature,
)
from tests.test_central_workflow import upload
from tests.test_signing_token import nothing_issued


@pytest.fixture
def central_config(central_config, remote_signing_service, timestamp_authority) -> dict:
    return {**central_config, **remote_settings(remote_signing_service, timestamp_authority.url)}


@pytest.fixture
def waiting(central_client, sim_kiosk) -> list[str]:
    records = [sim_kiosk.submitted() for _ in range(2)]
    assert {r["status"] for r in upload(central_client, sim_kiosk, records)} == {"applied"}
    return [record["body"]["reference"] for record in records]


def test_a_batch_signed_remotely_is_time_stamped_and_validates(
    central, central_clerk, waiting, remote_signing_service, timestamp_authority
):
    assert central.signing_needs_pin  # the clerk authorises the batch
    with central.open_signer(REMOTE_PIN) as signer:
        issued = decisions.approve_batch(central.engine, waiting, central_clerk, signer)
    assert len({document["number"] for document in issued}) == 2
    with read(central.engine) as conn:
        rows = conn.execute(select(documents.c.pdf, documents.c.statement)).all()
    for pdf, statement in rows:
        signature = validated_signature(
            pdf, remote_signing_service.root_pem, timestamp_authority.root_pem
        )
        assert (
            signature.signer_cert.dump()
            == asn1_certificate(remote_signing_service.certificate_pem).dump()
        )
        # The QR statement was signed by the same remote credential (COSE ES256).
        assert verify_statement(statement, remote_signing_service.certificate_pem)
        checked = verify_pdf(
            pdf, remote_signing_service.certificate_pem, timestamp_authority.root_pem
        )
        assert checked.timestamped
    assert central.document_certificate_pem() == remote_signing_service.certificate_pem


def test_an_unreachable_signing_service_issues_nothing(
    central_config, central_clerk, waiting, remote_signing_service, timestamp_authority
):
    from central_api.context import Central

    dead = f"http://127.0.0.1:{free_port()}"
    elsewhere = Central.from_config(
        {**central_config, **remote_settings(remote_signing_service, timestamp_authority.url, dead)}
    )
    with pytest.raises(SigningTokenError) as refused, elsewhere.open_signer(REMOTE_PIN) as signer:
        decisions.approve_batch(elsewhere.engine, waiting, central_clerk, signer)
    assert refused.value.code == "remote_signing" and refused.value.http_status == 503
    assert refused.value.message.startswith("Услугата за отдалечено подписване (CSC) не отговаря")
    nothing_issued(elsewhere, waiting)
    elsewhere.dispose()


def test_a_refused_authorisation_issues_nothing_and_says_so(central, central_clerk, waiting):
    with pytest.raises(SigningTokenError) as refused, central.open_signer("000000") as signer:
        decisions.approve_batch(central.engine, waiting, central_clerk, signer)
    assert refused.value.code == "remote_authorisation" and refused.value.http_status == 403
    assert refused.value.message.startswith("Услугата за отдалечено подписване отказа")
    nothing_issued(central, waiting)
