"""Receipts: the reference, Bulgarian text and a QR that decodes, on A4 and 80 mm rolls."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime

import pytest

from printing.receipts import Receipt, receipt_facts, receipt_media, render_receipt

RECEIPT = Receipt(
    reference="DZH1-00042",
    service="Удостоверение за постоянен адрес",
    service_en="Permanent address certificate",
    village="Джулюница",
    village_en="Dzhulyunitsa",
    municipality="Община Примерово",
    municipality_en="Primerovo Municipality",
    issued_at=datetime(2026, 11, 25, 9, 30),
    expected_date=date(2026, 11, 28),
)


def run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True, timeout=30).stdout


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed (make test installs it)"
)


@needs_poppler
@pytest.mark.parametrize("layout", ["a4", "thermal80"])
def test_the_receipt_reads_back_the_reference_and_bulgarian_text(tmp_path, layout):
    path = render_receipt(RECEIPT, tmp_path / "receipt.pdf", layout=layout)
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "DZH1-00042" in text
    assert "Удостоверение за постоянен адрес" in text
    assert "Джулюница" in text and "28.11.2026" in text and "25.11.2026 09:30" in text
    assert text.index("Разписка") < text.index("Receipt")  # Bulgarian first
    # The header names the municipality the receipt was given: nothing is built in.
    assert "Община Примерово — информационен център" in text
    assert "Primerovo Municipality — information centre" in text


@needs_poppler
def test_the_thermal_receipt_is_80_mm_wide_and_as_tall_as_its_content(tmp_path):
    path = render_receipt(RECEIPT, tmp_path / "receipt.pdf", layout="thermal80")
    size = run("pdfinfo", str(path)).split("Page size:")[1].split()
    width, height = float(size[0]), float(size[2])
    assert abs(width - 80 / 25.4 * 72) < 0.1
    assert 200 < height < 600  # fitted, not a page of A4
    assert receipt_media(RECEIPT, "thermal80") == f"Custom.80.0x{height / 72 * 25.4:.1f}mm"
    assert receipt_media(RECEIPT, "a4") == "A4"


@needs_poppler
@pytest.mark.parametrize("layout", ["a4", "thermal80"])
def test_the_qr_code_decodes_to_the_reference(tmp_path, layout):
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) not installed: cannot decode the QR here")
    path = render_receipt(RECEIPT, tmp_path / "receipt.pdf", layout=layout)
    run("pdftoppm", "-r", "200", "-png", "-singlefile", str(path), str(tmp_path / "page"))
    decoded = run("zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")).split()
    assert decoded == ["DZH1-00042"]


def test_an_unknown_layout_is_refused(tmp_path):
    with pytest.raises(ValueError, match="thermal80"):
        render_receipt(RECEIPT, tmp_path / "r.pdf", layout="a5")


@needs_poppler
@pytest.mark.parametrize("layout", ["a4", "thermal80"])
def test_an_in_person_slip_says_where_and_when_to_collect_the_document(tmp_path, layout):
    import dataclasses

    slip = dataclasses.replace(
        RECEIPT,
        service="Удостоверение за раждане – дубликат",
        collect="Гише „Гражданско състояние“, Община Лясковец, понеделник–петък 8:30–17:00.",
        collect_en="The civil-status desk, Lyaskovets municipality, Monday–Friday 8:30–17:00.",
    )
    path = render_receipt(slip, tmp_path / "slip.pdf", layout=layout)
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "Документът не се печата тук. Получавате го лично:" in text
    assert "Гише „Гражданско състояние“, Община Лясковец" in text
    assert "Collect it in person" in text and "28.11.2026" in text


def test_a_slip_for_a_document_printed_here_names_no_desk(tmp_path):
    path = render_receipt(RECEIPT, tmp_path / "receipt.pdf")
    text = run("pdftotext", str(path), "-") if shutil.which("pdftotext") else ""
    assert "Получавате го лично" not in text


@needs_poppler
def test_every_fact_the_slip_states_is_printed_on_it(tmp_path):
    """receipt_facts is the slip's content: what the kiosk shows and reads aloud is printed."""
    slip = replace(RECEIPT, check_code="482107", fee="2,56 евро", phone="0619 2 23 45")
    text = " ".join(run("pdftotext", str(render_receipt(slip, tmp_path / "slip.pdf")), "-").split())
    facts = receipt_facts(slip)
    assert set(facts) == {
        "municipality",
        "village",
        "reference",
        "check_code",
        "service",
        "fee",
        "expected_date",
        "issued_at",
        "phone",
    }
    assert all(value in text for value in facts.values())
    assert all(value in text for value in receipt_facts(slip, "en").values())
    assert receipt_facts(slip, "en")["village"] == "Dzhulyunitsa"
