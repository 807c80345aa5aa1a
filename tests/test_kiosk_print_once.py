"""Print exactly once (issue 18, finding 5): a real `kiosk-app` process is killed with SIGKILL
between printing a document and recording it, and the restarted one records that print instead
of printing again: one file in printed/ (no "-2.pdf"), one CUPS job, one `request.printed`.

The kill is real: the child process is the kiosk's own command line with one store method
replaced by ``os.kill(os.getpid(), SIGKILL)``, so it dies at exactly that step, with no clean-up.
"""

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from kiosk_app import submission, sync_actions
from kiosk_app.store import store_for
from tests.fixtures_kiosk import VALID_FIELDS, issued_document_record

ROOT = Path(__file__).resolve().parent.parent
NUMBER = "2026-000042"

KILLED_AT = """
import os, signal, sys
from kiosk_app.store.db import KioskStore
setattr(KioskStore, sys.argv.pop(1), lambda *args: os.kill(os.getpid(), signal.SIGKILL))
from kiosk_app.cli import main
main()
"""


def kiosk_app(config, *args, killed_at=None, env=None) -> subprocess.CompletedProcess:
    environ = {**(env or os.environ), "KIOSK_HOME": str(config.home), "PYTHONPATH": str(ROOT)}
    if config.printer:
        environ["KIOSK_PRINTER"] = config.printer
    else:
        environ.pop("KIOSK_PRINTER", None)
    command = [sys.executable, "-m", "kiosk_app.cli", *args]
    if killed_at:
        command = [sys.executable, "-c", KILLED_AT, killed_at, *args]
    return subprocess.run(
        command, env=environ, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def a_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 760, "Удостоверение за постоянен адрес")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def document_on_a_stick(config, central, tmp_path) -> tuple[str, Path]:
    """A request sent to central, and central's bundle with its document as a .vcb file."""
    reference = submission.submit_request(config, "permanent-address-certificate", VALID_FIELDS)
    sync_actions.sync_now(config, transport=central)
    data = central.queue_downlink([issued_document_record(reference, NUMBER, a_pdf())])
    stick = tmp_path / "stick"
    stick.mkdir()
    bundle = stick / "central-to-dzhulyunitsa-1-000001.vcb"
    bundle.write_bytes(data)
    return reference, bundle


def printed_events(config, reference) -> list[dict]:
    with store_for(config) as store:
        return [e for e in store.events_of(reference) if e["type"] == "request.printed"]


def test_a_kill_between_printing_and_recording_prints_once_on_the_file_printer(
    enrolled_kiosk, fake_central, tmp_path
):
    reference, bundle = document_on_a_stick(enrolled_kiosk, fake_central, tmp_path)

    killed = kiosk_app(enrolled_kiosk, "bundle", "import", str(bundle), killed_at="mark_printed")
    assert killed.returncode == -signal.SIGKILL
    assert len(list(enrolled_kiosk.printed_dir.glob("*.pdf"))) == 1  # it did print
    assert printed_events(enrolled_kiosk, reference) == []  # and recorded nothing

    again = kiosk_app(enrolled_kiosk, "bundle", "import", str(bundle))
    assert again.returncode == 0, again.stderr
    assert [p.name for p in enrolled_kiosk.printed_dir.glob("*.pdf")] == [
        f"{reference}_{NUMBER}.pdf"
    ]
    assert len(printed_events(enrolled_kiosk, reference)) == 1
    assert submission.request_status(enrolled_kiosk, reference).status == "printed"


@pytest.mark.cups
@pytest.mark.parametrize("killed_at", ["mark_printed", "record_print_job"])
def test_a_kill_between_cups_and_the_record_prints_once(
    cups_printer, fake_central, kiosk_config, tmp_path, killed_at
):
    """``mark_printed``: the job completed, then the kill; the job is looked up by its id.
    ``record_print_job``: CUPS took the job and the kiosk died before writing its id down; the
    job is found by its title."""
    from dataclasses import replace

    from kiosk_app.enrollment import enroll

    config = replace(kiosk_config, printer=cups_printer.queue)
    enroll(config, "http://central.invalid", "invite", transport=fake_central)
    reference, bundle = document_on_a_stick(config, fake_central, tmp_path)
    env = cups_printer.env()
    prefix = f"{reference}_{NUMBER}-"
    before = jobs_named(cups_printer, prefix)

    killed = kiosk_app(config, "bundle", "import", str(bundle), killed_at=killed_at, env=env)
    assert killed.returncode == -signal.SIGKILL
    assert printed_events(config, reference) == []

    for _ in range(20):  # a job still printing is looked at again by the next run
        again = kiosk_app(config, "bundle", "import", str(bundle), env=env)
        assert again.returncode == 0, again.stderr
        if printed_events(config, reference):
            break
    assert len(printed_events(config, reference)) == 1
    sent = jobs_named(cups_printer, prefix) - before
    assert len(sent) == 1, sent  # one CUPS job for the document, across the kill


def jobs_named(cups_printer, prefix: str) -> set[int]:
    import cups

    connection = cups.Connection(host=cups_printer.server)
    wanted = ["job-id", "document-name-supplied"]
    jobs = connection.getJobs(which_jobs="all", requested_attributes=wanted)
    return {
        job_id
        for job_id, attrs in jobs.items()
        if str(attrs.get("document-name-supplied")).startswith(prefix)
    }
