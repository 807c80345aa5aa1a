"""Printing against a real CUPS server with a cups-pdf virtual printer (issue 8, "Done when")."""

from __future__ import annotations

import subprocess
import time
from datetime import date, datetime

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from printing import (
    CupsUnavailableError,
    PrinterNotFoundError,
    PrintQueue,
    flush_spool,
    print_document,
    printer_status,
    spooled_documents,
)
from printing.cups_backend import JOB_PENDING, CupsBackend
from printing.receipts import Receipt, receipt_media, render_receipt

pytestmark = pytest.mark.cups

A4_POINTS = (595, 842)


def pdfinfo(path) -> dict[str, str]:
    output = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    return dict(line.split(":", 1) for line in output.splitlines() if ":" in line)


def page_size(path) -> tuple[int, int]:
    width, _, height = pdfinfo(path)["Page size"].split()[:3]
    return round(float(width)), round(float(height))


@pytest.fixture
def two_page_document(tmp_path):
    path = tmp_path / "удостоверение-DZH1-00042.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in (1, 2):
        pdf.drawString(72, 760, f"Certificate page {page}")
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def receipt():
    return Receipt(
        reference="DZH1-00042",
        service="Удостоверение за постоянен адрес",
        service_en="Permanent address certificate",
        village="Джулюница",
        village_en="Dzhulyunitsa",
        issued_at=datetime(2026, 11, 25, 9, 30),
        expected_date=date(2026, 11, 28),
    )


def test_a_document_prints_and_the_job_completes_with_its_pages(
    cups_printer, two_page_document, tmp_path
):
    outcome = print_document(
        two_page_document,
        printer=cups_printer.queue,
        spool_dir=tmp_path / "spool",
        title="Удостоверение DZH1-00042",
        backend=cups_printer.backend(),
        metadata={"reference": "DZH1-00042", "document_number": "2128-0001"},
        timeout=30,
    )
    assert outcome.printed, outcome.message["en"]
    assert outcome.status == "printed" and outcome.attempts == 1 and not outcome.reprint
    assert outcome.metadata["reference"] == "DZH1-00042"
    produced = cups_printer.wait_for_output(outcome.job_id)
    assert pdfinfo(produced)["Pages"].strip() == "2"
    assert page_size(produced) == A4_POINTS
    assert spooled_documents(tmp_path / "spool") == []


@pytest.mark.parametrize("layout", ["a4", "thermal80"])
def test_a_receipt_prints_and_the_job_completes(cups_printer, receipt, tmp_path, layout):
    rendered = render_receipt(receipt, tmp_path / f"receipt-{layout}.pdf", layout=layout)
    outcome = print_document(
        rendered,
        printer=cups_printer.queue,
        spool_dir=tmp_path / "spool",
        title=f"Разписка {receipt.reference}",
        options={"media": receipt_media(receipt, layout)},
        backend=cups_printer.backend(),
        timeout=30,
    )
    assert outcome.printed, outcome.message["en"]
    produced = cups_printer.wait_for_output(outcome.job_id)
    assert pdfinfo(produced)["Pages"].strip() == "1"
    if layout == "a4":
        assert page_size(produced) == A4_POINTS
    else:
        # Ghostscript rounds the custom size to whole points.
        (width, height), want_height = page_size(produced), page_size(rendered)[1]
        assert abs(width - 80 / 25.4 * 72) <= 1.5 and abs(height - want_height) <= 1.5


def test_a_reprint_is_flagged_in_the_outcome(cups_printer, two_page_document, tmp_path):
    outcome = print_document(
        two_page_document,
        printer=cups_printer.queue,
        spool_dir=tmp_path / "spool",
        title="reprint",
        reprint=True,
        backend=cups_printer.backend(),
        timeout=30,
    )
    assert outcome.printed and outcome.reprint


def test_a_disabled_printer_holds_the_job_until_it_is_enabled(cups_printer, two_page_document):
    backend = cups_printer.backend()
    cups_printer.disable("out of paper")
    queue = PrintQueue(cups_printer.queue, backend=backend)
    job = queue.submit(two_page_document, title="held")
    for _ in range(5):
        assert queue.poll() == []
        time.sleep(0.1)
    assert job.state == JOB_PENDING
    assert queue.outcome_so_far(job).status == "pending"
    status = printer_status(cups_printer.queue, backend=backend)
    assert status.state == "stopped" and "paused" in status.reasons
    assert "пуснете" in status.message["bg"] and not status.ready

    cups_printer.enable()
    outcome = queue.wait(job, timeout=30)
    assert outcome.printed, outcome.message["en"]
    assert pdfinfo(cups_printer.wait_for_output(outcome.job_id))["Pages"].strip() == "2"
    assert printer_status(cups_printer.queue, backend=backend).ready


def test_a_job_completes_when_cupsd_restarts_in_the_middle(cups_printer, two_page_document):
    backend = cups_printer.backend()
    queue = PrintQueue(cups_printer.queue, backend=backend, backoff=(0.2,))
    job = queue.submit(two_page_document, title="restart while printing")
    cups_printer.restart()
    outcome = queue.wait(job, timeout=60)
    assert outcome.printed, outcome.message["en"]
    cups_printer.wait_for_output(outcome.job_id)


def test_a_held_job_survives_a_cupsd_restart(cups_printer, two_page_document):
    backend = cups_printer.backend()
    cups_printer.disable()
    queue = PrintQueue(cups_printer.queue, backend=backend)
    job = queue.submit(two_page_document, title="held over restart")
    queue.poll()
    cups_printer.stop()
    assert queue.poll() == []  # CUPS away: the job is not given up
    assert isinstance(job.last_error, CupsUnavailableError)
    cups_printer.start()
    cups_printer.enable()
    outcome = queue.wait(job, timeout=60)
    assert outcome.printed and outcome.attempts == 1
    cups_printer.wait_for_output(outcome.job_id)


def test_a_missing_queue_is_reported_as_printer_not_found(
    cups_printer, two_page_document, tmp_path
):
    backend = cups_printer.backend()
    with pytest.raises(PrinterNotFoundError) as raised:
        backend.submit("no-such-printer", two_page_document, "x", {})
    assert "no-such-printer" in raised.value.message["en"]
    assert "KIOSK_PRINTER" in raised.value.message["bg"]

    outcome = print_document(
        two_page_document,
        printer="no-such-printer",
        spool_dir=tmp_path / "spool",
        title="lost?",
        backend=backend,
    )
    assert outcome.status == "spooled"
    assert isinstance(outcome.error, PrinterNotFoundError)
    assert len(spooled_documents(tmp_path / "spool")) == 1
    assert printer_status("no-such-printer", backend=backend).state == "not-found"


def test_a_dead_cupsd_spools_the_document(two_page_document, tmp_path):
    backend = CupsBackend(server=str(tmp_path / "nobody-listens.sock"))
    outcome = print_document(
        two_page_document,
        printer="kiosk",
        spool_dir=tmp_path / "spool",
        title="cups down",
        backend=backend,
    )
    assert outcome.status == "spooled"
    assert isinstance(outcome.error, CupsUnavailableError)
    assert "CUPS" in outcome.message["bg"]
    status = printer_status("kiosk", backend=backend)
    assert status.state == "unavailable" and not status.ready


def test_with_no_printer_documents_are_spooled_then_flushed(
    cups_printer, two_page_document, receipt, tmp_path
):
    spool = tmp_path / "spool"
    first = print_document(
        two_page_document,
        printer=None,
        spool_dir=spool,
        title="Удостоверение DZH1-00042",
        reprint=True,
        metadata={"reference": "DZH1-00042"},
    )
    second = print_document(
        render_receipt(receipt, tmp_path / "receipt.pdf"),
        printer=None,
        spool_dir=spool,
        title="Разписка DZH1-00042",
    )
    assert first.status == second.status == "spooled"
    assert not first.printed and first.error is None
    assert "запазен" in first.message["bg"]
    assert spooled_documents(spool) == [first.path, second.path]

    outcomes = flush_spool(
        spool, printer=cups_printer.queue, backend=cups_printer.backend(), timeout=30
    )
    assert [o.status for o in outcomes] == ["printed", "printed"]
    assert outcomes[0].metadata == {"reference": "DZH1-00042"} and outcomes[0].reprint
    assert spooled_documents(spool) == []
    pages = [pdfinfo(cups_printer.wait_for_output(o.job_id))["Pages"].strip() for o in outcomes]
    assert pages == ["2", "1"]


def test_the_backend_pauses_and_resumes_a_queue(cups_printer):
    backend = cups_printer.backend()
    assert cups_printer.queue in backend.printer_names()
    backend.disable(cups_printer.queue, reason="door open")
    info = backend.printer_info(cups_printer.queue)
    assert info.state_name == "stopped" and "paused" in info.reasons
    assert info.message == "door open"
    backend.enable(cups_printer.queue)
    info = backend.printer_info(cups_printer.queue)
    assert info.state_name == "idle" and info.accepting and info.reasons == ()
