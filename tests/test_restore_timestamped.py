"""Issue 18: a document a kiosk gives back to a restored central when its signature carries an
RFC 3161 time-stamp (PAdES B-T, as every production signature does): central takes it only when
it knows the time-stamping authority's roots (CENTRAL_TSA_ROOTS), and then `/verify` answers
for it again. The TSA is certomancer's on loopback (tests/fixtures_signing.py)."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import delete, select, update

from central_api import decisions, restore, streams
from central_api.db import read, write
from central_api.db.schema import documents, requests
from central_api.documents import verify_pdf
from tests.test_central_workflow import upload


@pytest.fixture
def central_config(central_config, timestamp_authority) -> dict:
    return {**central_config, "TSA_URL": timestamp_authority.url, "TSA_TIMEOUT": 5}


def test_a_time_stamped_document_given_back_is_taken_with_the_tsa_roots(
    central, central_client, central_clerk, sim_kiosk, timestamp_authority
):
    record = sim_kiosk.submitted()
    assert upload(central_client, sim_kiosk, [record])[0]["status"] == "applied"
    reference = record["body"]["reference"]
    _, issued = decisions.approve(
        central.engine, reference, central_clerk, signer=central.document_signer
    )
    certificate = central.document_certificate_pem()
    with read(central.engine) as conn:
        pdf = conn.execute(
            select(documents.c.pdf).where(documents.c.number == issued["number"])
        ).scalar()
    assert verify_pdf(pdf, certificate, timestamp_authority.root_pem).timestamped

    # Central is restored from a backup older than the document: it forgot it and the decision.
    with write(central.engine) as conn:
        conn.execute(delete(documents).where(documents.c.number == issued["number"]))
        conn.execute(
            update(requests)
            .where(requests.c.reference == reference)
            .values(status="received", document_number=None)
        )
        restore.start_epoch(conn, "restored from a backup")
    held = {
        "number": issued["number"],
        "reference": reference,
        "request_status": "issued",
        "pdf_b64": base64.b64encode(pdf).decode(),
    }

    # Without the TSA's roots the time-stamp cannot be trusted: the paper is not taken.
    refused = streams.take_held_document(central.engine, sim_kiosk.kiosk_id, held, certificate)
    assert refused["status"] == "refused" and "time-stamp" in refused["reason"]
    assert central_client.get(f"/verify/{issued['number']}").status_code == 404

    # With them (CENTRAL_TSA_ROOTS) it is central's own paper again.
    taken = streams.take_held_document(
        central.engine, sim_kiosk.kiosk_id, held, certificate, timestamp_authority.root_pem
    )
    assert taken == {"number": issued["number"], "status": "restored"}
    assert central_client.get(f"/verify/{issued['number']}").get_json()["status"] == "valid"
    with read(central.engine) as conn:
        sha = conn.execute(
            select(documents.c.sha256).where(documents.c.number == issued["number"])
        ).scalar()
        status = conn.execute(
            select(requests.c.status).where(requests.c.reference == reference)
        ).scalar()
    assert sha == issued["sha256"] and status == "issued"  # what the paper proves
