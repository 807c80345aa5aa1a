"""Job following, retries, spool and folder fallback, with a fake CUPS (no server needed)."""

from __future__ import annotations

import json

import pytest

import printing
from printing import (
    CupsUnavailableError,
    DocumentError,
    JobFailedError,
    PrinterNotFoundError,
    PrintError,
    PrintQueue,
    cups_backend,
    flush_spool,
    print_document,
    print_to_folder,
    printer_status,
    spooled_documents,
)
from printing.cups_backend import (
    JOB_ABORTED,
    JOB_CANCELED,
    JOB_COMPLETED,
    JOB_PROCESSING,
    JOB_STOPPED,
    CupsBackend,
    JobInfo,
    PrinterInfo,
)


class FakeCups:
    """Plays CUPS: each submitted job walks through the states scripted for that attempt."""

    def __init__(self, scripts=None, printers=("kiosk",)):
        self.scripts = list(scripts or [[JOB_PROCESSING, JOB_COMPLETED]])
        self.printers = set(printers)
        self.jobs: dict[int, list[int]] = {}
        self.submitted: list[tuple] = []
        self.restarted: list[int] = []
        self.cancelled: list[int] = []
        self.down = False

    def submit(self, printer, path, title, options):
        if self.down:
            raise CupsUnavailableError("fake down")
        if printer not in self.printers:
            raise PrinterNotFoundError(printer)
        job_id = len(self.submitted) + 1
        self.submitted.append((printer, str(path), title, dict(options)))
        script = self.scripts.pop(0) if self.scripts else [JOB_COMPLETED]
        self.jobs[job_id] = list(script)
        return job_id

    def job_info(self, job_id):
        if self.down:
            raise CupsUnavailableError("fake down")
        states = self.jobs[job_id]
        state = states.pop(0) if len(states) > 1 else states[0]
        return JobInfo(job_id, state, ())

    def restart_job(self, job_id):
        self.restarted.append(job_id)
        self.jobs[job_id] = [JOB_PROCESSING, JOB_COMPLETED]

    def cancel_job(self, job_id):
        self.cancelled.append(job_id)

    def printer_info(self, printer):
        if printer not in self.printers:
            raise PrinterNotFoundError(printer)
        return PrinterInfo(printer, 5, ("media-empty-error", "paused"), "", True)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"%PDF-1.4\n% not really rendered\n%%EOF\n")
    return path


def run_until_final(queue, clock, rounds=50, step=1.0):
    outcomes = []
    for _ in range(rounds):
        outcomes += queue.poll()
        if not queue.active:
            return outcomes
        clock.now += step
    raise AssertionError("jobs never finished")


def test_a_completed_job_is_printed_and_reported_once(document):
    finished = []
    fake = FakeCups()
    queue = PrintQueue("kiosk", backend=fake, on_finished=finished.append)
    job = queue.submit(document, title="Удостоверение", copies=2, metadata={"reference": "R"})
    outcomes = run_until_final(queue, FakeClock())
    assert [o.status for o in outcomes] == ["printed"] == [o.status for o in finished]
    assert job.outcome.printed and job.outcome.metadata == {"reference": "R"}
    assert fake.submitted[0][3]["copies"] == "2"
    assert queue.poll() == []  # nothing reported twice


def test_an_aborted_job_is_sent_again_after_backoff_and_completes(document):
    fake = FakeCups([[JOB_ABORTED], [JOB_PROCESSING, JOB_COMPLETED]])
    clock = FakeClock()
    queue = PrintQueue("kiosk", backend=fake, backoff=(5.0,), clock=clock)
    job = queue.submit(document, title="t")
    queue.poll()
    assert job.retry_at == clock.now + 5.0
    clock.now += 4.0
    queue.poll()
    assert len(fake.submitted) == 1  # backoff respected
    clock.now += 1.0
    queue.poll()
    assert len(fake.submitted) == 2
    run_until_final(queue, clock)
    assert job.outcome.printed and job.outcome.attempts == 2


def test_a_job_aborted_every_time_fails_after_the_bounded_attempts(document):
    fake = FakeCups([[JOB_ABORTED]] * 5)
    clock = FakeClock()
    queue = PrintQueue("kiosk", backend=fake, max_attempts=3, backoff=(1.0, 2.0), clock=clock)
    job = queue.submit(document, title="t")
    run_until_final(queue, clock)
    assert len(fake.submitted) == 3
    assert job.outcome.status == "failed" and not job.outcome.printed
    assert isinstance(job.outcome.error, JobFailedError)
    assert job.outcome.error.attempts == 3
    assert "прекъснато" in job.outcome.message["bg"]


def test_a_stopped_job_is_restarted_in_place(document):
    fake = FakeCups([[JOB_STOPPED]])
    clock = FakeClock()
    queue = PrintQueue("kiosk", backend=fake, backoff=(0.0,), clock=clock)
    job = queue.submit(document, title="t")
    run_until_final(queue, clock)
    assert fake.restarted == [1] and len(fake.submitted) == 1
    assert job.outcome.printed and job.outcome.attempts == 2


def test_a_stopped_job_that_never_recovers_is_cancelled_and_failed(document):
    fake = FakeCups([[JOB_STOPPED]])
    fake.restart_job = lambda job_id: fake.restarted.append(job_id)  # stays stopped
    clock = FakeClock()
    queue = PrintQueue("kiosk", backend=fake, max_attempts=2, backoff=(0.0,), clock=clock)
    job = queue.submit(document, title="t")
    run_until_final(queue, clock)
    assert job.outcome.status == "failed" and fake.cancelled == [1]


def test_a_cancelled_job_is_not_printed_behind_staffs_back(document):
    fake = FakeCups([[JOB_CANCELED]])
    queue = PrintQueue("kiosk", backend=fake)
    job = queue.submit(document, title="t")
    run_until_final(queue, FakeClock())
    assert job.outcome.status == "failed" and len(fake.submitted) == 1
    assert job.outcome.error.state == "canceled"


def test_cups_going_away_while_following_costs_no_attempt(document):
    fake = FakeCups([[JOB_PROCESSING, JOB_COMPLETED]])
    queue = PrintQueue("kiosk", backend=fake)
    job = queue.submit(document, title="t")
    fake.down = True
    assert queue.poll() == []
    assert isinstance(job.last_error, CupsUnavailableError)
    assert queue.outcome_so_far(job).status == "pending"
    fake.down = False
    run_until_final(queue, FakeClock())
    assert job.outcome.printed and job.outcome.attempts == 1


def test_wait_gives_a_pending_outcome_when_the_job_is_still_held(document):
    fake = FakeCups([[3]])
    queue = PrintQueue("kiosk", backend=fake)
    job = queue.submit(document, title="t")
    outcome = queue.wait(job, timeout=0.3, poll_interval=0.05)
    assert outcome.status == "pending" and outcome.job_id == 1
    resumed = PrintQueue("kiosk", backend=fake).track(1, document, title="t")
    assert resumed.job_id == 1 and resumed.outcome is None


def test_print_document_without_a_printer_spools_with_a_sidecar(document, tmp_path):
    outcome = print_document(
        document,
        printer=None,
        spool_dir=tmp_path / "spool",
        title="Удостоверение № 5",
        reprint=True,
        metadata={"reference": "DZH1-00042", "document_number": "2128-0005"},
    )
    assert outcome.status == "spooled" and not outcome.printed and outcome.reprint
    assert outcome.path.read_bytes() == document.read_bytes()
    sidecar = json.loads(outcome.path.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["metadata"]["reference"] == "DZH1-00042" and sidecar["reprint"] is True
    assert list((tmp_path / "spool").glob(".*part")) == []


def test_print_document_spools_when_cups_is_down_and_flush_prints_later(document, tmp_path):
    fake = FakeCups()
    fake.down = True
    spool = tmp_path / "spool"
    outcome = print_document(document, printer="kiosk", spool_dir=spool, title="t", backend=fake)
    assert outcome.status == "spooled" and isinstance(outcome.error, CupsUnavailableError)
    stuck = flush_spool(spool, printer="kiosk", backend=fake)
    assert [o.status for o in stuck] == ["spooled"] and len(spooled_documents(spool)) == 1
    fake.down = False
    flushed = flush_spool(spool, printer="kiosk", backend=fake, timeout=5)
    assert [o.status for o in flushed] == ["printed"] and spooled_documents(spool) == []


def test_flush_moves_a_failing_document_aside(document, tmp_path):
    spool = tmp_path / "spool"
    print_document(document, printer=None, spool_dir=spool, title="t")
    fake = FakeCups([[JOB_ABORTED]] * 3)
    outcomes = flush_spool(spool, printer="kiosk", backend=fake, backoff=(0.0,), timeout=5)
    assert [o.status for o in outcomes] == ["failed"]
    assert spooled_documents(spool) == [] and len(list((spool / "failed").glob("*.pdf"))) == 1


def test_a_missing_file_is_a_document_error(tmp_path):
    with pytest.raises(DocumentError):
        print_document(tmp_path / "gone.pdf", printer=None, spool_dir=tmp_path, title="t")


def test_print_to_folder_under_a_name_writes_that_print_once(document, tmp_path):
    folder = tmp_path / "printed"
    first = print_to_folder(document, folder, name="REF_1.pdf")
    again = print_to_folder(document, folder, name="REF_1.pdf")  # the same print, after a crash
    assert first == again == folder / "REF_1.pdf"
    assert sorted(p.name for p in folder.iterdir()) == ["REF_1.pdf"]


def test_print_to_folder_never_overwrites(document, tmp_path):
    folder = tmp_path / "printed"
    first = print_to_folder(document, folder)
    second = print_to_folder(document, folder)
    assert (first.name, second.name) == ("doc.pdf", "doc-2.pdf")
    assert second.read_bytes() == document.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["doc-2.pdf", "doc.pdf"]


def test_printer_status_tells_staff_the_reasons():
    status = printer_status("kiosk", backend=FakeCups())
    assert status.state == "stopped" and not status.ready
    assert status.reasons == ("media-empty-error", "paused")
    assert "Няма хартия" in status.message["bg"] and "Out of paper" in status.message["en"]
    assert status.as_health() == "stopped:media-empty-error:paused"
    assert printer_status(None).state == "not-configured"
    assert printer_status("elsewhere", backend=FakeCups()).state == "not-found"


def test_pycups_errors_are_translated_where_they_enter(monkeypatch):
    if cups_backend.cups is None:
        pytest.skip("pycups not installed")

    def refuse(**kwargs):
        raise RuntimeError("failed to connect to server")

    monkeypatch.setattr(cups_backend.cups, "Connection", refuse)
    with pytest.raises(CupsUnavailableError) as raised:
        CupsBackend().printer_names()
    assert isinstance(raised.value.__cause__, RuntimeError)
    assert set(raised.value.message) == {"bg", "en"}


@pytest.mark.parametrize(
    "error",
    [
        CupsUnavailableError(),
        PrinterNotFoundError("kiosk"),
        printing.JobRefusedError("kiosk"),
        JobFailedError("kiosk", 1, "aborted", 3),
        DocumentError("/x.pdf"),
    ],
)
def test_every_error_tells_staff_what_to_do_in_bulgarian_and_english(error):
    assert isinstance(error, PrintError)
    assert error.message["bg"] and error.message["en"]
    assert any("\u0400" <= ch <= "\u04ff" for ch in error.message["bg"])
    assert str(error).startswith(error.message["bg"])


def test_the_public_api_is_what_it_should_be():
    assert sorted(printing.__all__) == sorted(
        [
            "CupsUnavailableError",
            "DocumentError",
            "JobFailedError",
            "JobRefusedError",
            "PrintError",
            "PrintOutcome",
            "PrintQueue",
            "PrinterNotFoundError",
            "PrinterStatus",
            "flush_spool",
            "look_up_job",
            "print_document",
            "print_to_folder",
            "printer_status",
            "spooled_documents",
        ]
    )


def test_a_retry_the_queue_refuses_ends_the_job_as_failed(document):
    fake = FakeCups([[JOB_ABORTED]])
    clock = FakeClock()
    queue = PrintQueue("kiosk", backend=fake, backoff=(0.0,), clock=clock)
    job = queue.submit(document, title="t")
    fake.printers.clear()  # the queue was deleted between the attempts
    run_until_final(queue, clock)
    assert job.outcome.status == "failed"
    assert isinstance(job.outcome.error, PrinterNotFoundError)
