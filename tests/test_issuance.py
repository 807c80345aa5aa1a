"""How a document is issued, per service (catalogue ``issuance``): an attached PDF is numbered,
stamped, signed and sent to the kiosk; an in-person service issues nothing at central."""

from __future__ import annotations

import base64
import io
import subprocess

import pytest
from reportlab.pdfgen import canvas
from sqlalchemy import select

from central_api import attachments, decisions
from central_api.db import read
from central_api.db.schema import documents
from central_api.documents import verify_pdf
from central_api.errors import ApprovalBlockedError, ConflictError, InvalidInputError
from central_api.workflow import get_request
from tests.fixtures_central import VALID_EGN
from tests.test_central_workflow import fetch_all_downlink, upload

APPLICANT = {
    "first_name": "Иван",
    "middle_name": "Петров",
    "last_name": "Димитров",
    "phone": "0888123456",
}


def plot_sketch_pdf(text: str = "СКИЦА НА ПОЗЕМЛЕН ИМОТ № 15-123") -> bytes:
    """A PDF as the cadastre's software would export it: two pages of its own."""
    from central_api.documents import register_fonts

    register_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for number in (1, 2):
        page.setFont("DejaVuSans", 14)
        page.drawString(72, 760, f"{text}, лист {number}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def submit(client, kiosk, service: str, fields: dict) -> str:
    record = kiosk.submitted()
    record["body"]["service"] = service
    record["body"]["fields"] = {**APPLICANT, **fields}
    result = upload(client, kiosk, [record])[0]
    assert result["status"] == "applied", result
    return record["body"]["reference"]


@pytest.fixture
def plot_sketch_request(central_client, sim_kiosk) -> str:
    return submit(
        central_client,
        sim_kiosk,
        "plot-sketch",
        {
            "personal_number_kind": "egn",
            "personal_number": VALID_EGN,
            "property_settlement": "dzhulyunitsa",
            "property_identifier": "УПИ V-123, кв. 15",
            "ownership_document": "нотариален акт № 12/2001",
        },
    )


@pytest.fixture
def in_person_request(central_client, sim_kiosk) -> str:
    return submit(
        central_client,
        sim_kiosk,
        "birth-certificate-duplicate",
        {"personal_number_kind": "egn", "personal_number": VALID_EGN},
    )


def test_an_attached_service_cannot_be_approved_before_its_pdf_is_uploaded(
    central, central_clerk, plot_sketch_request
):
    with pytest.raises(ApprovalBlockedError) as caught:
        decisions.approve(
            central.engine, plot_sketch_request, central_clerk, signer=central.document_signer
        )
    assert "upload the PDF" in caught.value.message
    with read(central.engine) as conn:
        assert get_request(conn, plot_sketch_request)["status"] == "received"


def test_an_attached_pdf_is_numbered_signed_and_sent_to_the_kiosk(
    central, central_clerk, central_client, sim_kiosk, plot_sketch_request, tmp_path
):
    original = plot_sketch_pdf()
    attachments.attach_document(
        central.engine, plot_sketch_request, "skica.pdf", original, central_clerk
    )
    request, document = decisions.approve(
        central.engine, plot_sketch_request, central_clerk, signer=central.document_signer
    )
    assert request["status"] == "issued"
    with read(central.engine) as conn:
        stored = conn.execute(select(documents)).mappings().one()
    pdf = stored["pdf"]
    assert pdf.startswith(original)  # the cadastre's bytes unchanged, our pages appended
    checked = verify_pdf(pdf, central.document_signer.certificate_pem())
    assert checked.number == document["number"] and checked.service == "plot-sketch"

    path = tmp_path / "issued.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "СКИЦА НА ПОЗЕМЛЕН ИМОТ № 15-123, лист 2" in text
    assert "ПРИДРУЖИТЕЛЕН ЛИСТ" in text and f"Изх. № {document['number']}" in text
    assert "(2 стр.)" in text

    issued = [
        r for r in fetch_all_downlink(central_client, sim_kiosk) if r["type"] == "document.issued"
    ]
    assert [base64.b64decode(r["body"]["pdf_b64"]) for r in issued] == [pdf]


def test_what_is_not_a_pdf_is_refused_with_what_to_do(central, central_clerk, plot_sketch_request):
    with pytest.raises(InvalidInputError) as caught:
        attachments.attach_document(
            central.engine, plot_sketch_request, "skica.docx", b"PK\x03\x04...", central_clerk
        )
    assert "Export the document from the other system as PDF" in caught.value.message


def test_a_generated_service_takes_no_upload(central, central_clerk, central_client, sim_kiosk):
    record = sim_kiosk.submitted()
    upload(central_client, sim_kiosk, [record])
    with pytest.raises(ConflictError):
        attachments.attach_document(
            central.engine, record["body"]["reference"], "x.pdf", plot_sketch_pdf(), central_clerk
        )


def test_an_in_person_service_is_approved_without_a_document(
    central, central_cli, central_clerk, central_client, sim_kiosk, in_person_request
):
    result = central_cli("requests", "approve", in_person_request, "--as", central_clerk)
    assert "collects the document in person" in result.stdout
    with read(central.engine) as conn:
        assert get_request(conn, in_person_request)["status"] == "approved"
        assert conn.execute(select(documents)).first() is None
    records = fetch_all_downlink(central_client, sim_kiosk)
    assert [(r["type"], r["body"]["status"]) for r in records] == [
        ("request.status_changed", "approved")
    ]
