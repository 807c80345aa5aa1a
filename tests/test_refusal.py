"""A refusal is a written decision: numbered, signed, with its legal basis, reasons and the way
to appeal; it travels to the kiosk like a certificate and the request stays refused."""

from __future__ import annotations

import base64
import subprocess

from sqlalchemy import select

from central_api import decisions
from central_api.db import read
from central_api.db.schema import documents
from central_api.documents import verify_pdf
from tests.test_central_workflow import fetch_all_downlink, upload


def test_a_refusal_is_a_numbered_signed_document_sent_to_the_kiosk(
    central, central_clerk, central_client, sim_kiosk, tmp_path
):
    record = sim_kiosk.submitted()
    upload(central_client, sim_kiosk, [record])
    reference = record["body"]["reference"]
    request, document = decisions.reject(
        central.engine,
        reference,
        "Лицето не живее на този адрес.",
        central_clerk,
        signer=central.document_signer,
    )
    assert request["status"] == "rejected" and document["kind"] == "refusal"
    with read(central.engine) as conn:
        stored = conn.execute(select(documents)).mappings().one()
    assert stored["kind"] == "refusal" and stored["number"] == document["number"]
    checked = verify_pdf(stored["pdf"], central.document_signer.certificate_pem())
    assert checked.number == document["number"] and checked.initials == "И. П. Д."

    path = tmp_path / "refusal.pdf"
    path.write_bytes(stored["pdf"])
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "ОТКАЗ за издаване на „Удостоверение за постоянен адрес“" in text
    assert f"По заявление {reference} от 25.11.2026 г., подадено от Иван Петров Димитров" in text
    assert "на основание чл. 106, ал. 1 от Закона за гражданската регистрация във връзка с " \
        "чл. 59, ал. 1 от Административнопроцесуалния кодекс" in text  # fmt: skip
    assert "Мотиви: Лицето не живее на този адрес." in text
    assert "ОТКАЗВА да издаде искания документ." in text
    assert (
        "може да бъде обжалван чрез Кмета на Община Лясковец пред Административен съд – Велико "
        "Търново в 14-дневен срок от получаването му"
    ) in text

    downlink = fetch_all_downlink(central_client, sim_kiosk)
    assert [(r["type"], r["body"].get("status")) for r in downlink] == [
        ("request.status_changed", "rejected"),
        ("document.issued", None),
    ]
    assert base64.b64decode(downlink[1]["body"]["pdf_b64"]) == stored["pdf"]


def test_the_clerk_may_name_another_legal_basis(central, central_clerk, central_cli, sim_kiosk,
                                                 central_client, tmp_path):  # fmt: skip
    record = sim_kiosk.submitted()
    upload(central_client, sim_kiosk, [record])
    reference = record["body"]["reference"]
    said = central_cli(
        "requests", "reject", reference, "--reason", "Няма пълномощно.",
        "--legal-basis", "чл. 30, ал. 2 от АПК", "--as", central_clerk,
    ).stdout  # fmt: skip
    assert "the refusal is Изх. №" in said
    with read(central.engine) as conn:
        content = conn.execute(select(documents.c.content)).scalar_one()
    assert '"legal_basis":"чл. 30, ал. 2 от АПК"' in content and '"kind":"refusal"' in content
