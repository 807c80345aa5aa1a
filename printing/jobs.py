"""Print jobs followed to the end: submitted to CUPS, polled until completed, retried.

A document counts as printed only when its CUPS job reached ``completed``; the caller records
``request.printed`` from the :class:`PrintOutcome` (``outcome.printed``) and passes
``reprint=True`` for a second print of an official document, which the outcome carries back.

:class:`PrintQueue` follows several jobs with a non-blocking :meth:`PrintQueue.poll`; aborted
jobs are sent again and stopped jobs restarted, with backoff, up to ``max_attempts``. A
canceled job is someone's decision and is not retried. While CUPS is unreachable a job is
neither given up nor charged an attempt: CUPS keeps its jobs on disk across restarts.

No threads and no Qt here: the kiosk calls this from its print worker thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from printing.cups_backend import (
    JOB_ABORTED,
    JOB_CANCELED,
    JOB_COMPLETED,
    JOB_STATE_NAMES,
    JOB_STOPPED,
    CupsBackend,
)
from printing.errors import CupsUnavailableError, JobFailedError, PrintError

__all__ = ["PrintOutcome", "PrintQueue", "TrackedJob", "look_up_job"]

PRINTED = "printed"  # the CUPS job completed (or the file was copied by print_to_folder)
PENDING = "pending"  # the job is in CUPS (held, queued, processing) and not finished yet
SPOOLED = "spooled"  # kept in the spool folder; flush_spool prints it later
FAILED = "failed"  # aborted or canceled, retries used up

DEFAULT_BACKOFF = (2.0, 5.0, 15.0)

_MESSAGES = {
    PRINTED: ("Документът е отпечатан.", "The document was printed."),
    PENDING: (
        "Документът чака на опашката на принтера; вижте състоянието на принтера.",
        "The document is waiting in the printer's queue; see the printer's state.",
    ),
    SPOOLED: (
        "Няма свързан принтер: документът е запазен и ще се отпечата, когато има принтер.",
        "No printer available: the document is kept and will print when there is one.",
    ),
}


@dataclass(frozen=True)
class PrintOutcome:
    """What became of one document. ``printed`` is the only proof it is on paper."""

    status: str
    path: Path
    title: str
    printer: str | None = None
    job_id: int | None = None
    attempts: int = 0
    reprint: bool = False
    metadata: Mapping[str, Any] = field(default_factory=dict)
    error: PrintError | None = None
    job_reasons: tuple[str, ...] = ()

    @property
    def printed(self) -> bool:
        return self.status == PRINTED

    @property
    def message(self) -> dict[str, str]:
        """``{"bg", "en"}`` for staff: the error's message if there was one."""
        if self.status == FAILED and self.error is not None:
            return dict(self.error.message)
        bg, en = _MESSAGES.get(self.status, (self.status, self.status))
        if self.status == SPOOLED and self.error is not None:
            return {
                "bg": f"Документът е запазен за по-късен печат. {self.error.message['bg']}",
                "en": f"The document is kept to print later. {self.error.message['en']}",
            }
        return {"bg": bg, "en": en}


@dataclass
class TrackedJob:
    """A document :class:`PrintQueue` follows; ``outcome`` is set once it is finished."""

    path: Path
    title: str
    options: dict[str, str]
    reprint: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)
    job_id: int | None = None
    attempts: int = 0
    state: int | None = None
    reasons: tuple[str, ...] = ()
    retry_at: float | None = None  # when set, the job is to be (re)sent or restarted then
    restart_in_place: bool = False  # a stopped job is restarted rather than sent again
    last_error: PrintError | None = None
    outcome: PrintOutcome | None = None

    @property
    def state_name(self) -> str:
        return JOB_STATE_NAMES.get(self.state, "not-sent") if self.state else "not-sent"


class PrintQueue:
    """Follows jobs on one CUPS queue until each completes or fails for good.

    ``poll()`` looks at every unfinished job once and returns the outcomes that became final;
    ``wait(job, timeout)`` polls one job to its end. ``on_finished(outcome)`` is called for each
    final outcome, which is where the kiosk records ``request.printed``. ``on_sent(job)`` is
    called each time CUPS took the file and gave it a job id (before any waiting), which is
    where the kiosk records the job id, so that after a crash it looks the job up instead of
    sending the file again.
    """

    def __init__(
        self,
        printer: str,
        *,
        backend: Any = None,
        max_attempts: int = 3,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        on_finished: Callable[[PrintOutcome], None] | None = None,
        on_sent: Callable[[TrackedJob], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.printer = printer
        self.backend = backend if backend is not None else CupsBackend()
        self.max_attempts = max_attempts
        self.backoff = tuple(backoff) or (0.0,)
        self.on_finished = on_finished
        self.on_sent = on_sent
        self.clock = clock
        self.jobs: list[TrackedJob] = []

    @property
    def active(self) -> list[TrackedJob]:
        return [job for job in self.jobs if job.outcome is None]

    def submit(
        self,
        pdf_path: os.PathLike | str,
        *,
        title: str,
        copies: int = 1,
        reprint: bool = False,
        metadata: Mapping[str, Any] | None = None,
        options: Mapping[str, str] | None = None,
    ) -> TrackedJob:
        """Send a file to CUPS and start following it. Raises a PrintError if CUPS refuses."""
        all_options = {"copies": str(int(copies))}
        all_options.update({str(k): str(v) for k, v in (options or {}).items()})
        job = TrackedJob(
            path=Path(pdf_path),
            title=title,
            options=all_options,
            reprint=reprint,
            metadata=dict(metadata or {}),
        )
        self._send(job)
        self.jobs.append(job)
        return job

    def track(
        self,
        job_id: int,
        pdf_path: os.PathLike | str,
        *,
        title: str,
        reprint: bool = False,
        metadata: Mapping[str, Any] | None = None,
    ) -> TrackedJob:
        """Resume following a job submitted earlier (for example by a timed-out print_document)."""
        job = TrackedJob(
            path=Path(pdf_path),
            title=title,
            options={},
            reprint=reprint,
            metadata=dict(metadata or {}),
            job_id=job_id,
            attempts=1,
        )
        self.jobs.append(job)
        return job

    def _send(self, job: TrackedJob) -> None:
        job.attempts += 1
        job.job_id = self.backend.submit(self.printer, job.path, job.title, job.options)
        job.state = None
        job.retry_at = None
        if self.on_sent is not None:
            self.on_sent(job)

    def _backoff_for(self, attempts: int) -> float:
        return self.backoff[min(attempts - 1, len(self.backoff) - 1)]

    def poll(self) -> list[PrintOutcome]:
        """Check each unfinished job once; return the outcomes that became final now."""
        finished = []
        for job in self.active:
            try:
                self._poll_one(job)
            except CupsUnavailableError as exc:
                # CUPS keeps its jobs on disk across restarts: wait for it, spend no attempt.
                job.last_error = exc
            except PrintError as exc:  # a retry refused, or the queue deleted meanwhile
                self._finish(job, FAILED, exc)
            if job.outcome is not None:
                finished.append(job.outcome)
                if self.on_finished is not None:
                    self.on_finished(job.outcome)
        return finished

    def _poll_one(self, job: TrackedJob) -> None:
        if job.retry_at is not None:
            if self.clock() < job.retry_at:
                return
            if job.restart_in_place and job.job_id is not None:
                job.attempts += 1
                job.retry_at = None
                self.backend.restart_job(job.job_id)
            else:
                self._send(job)
            return
        info = self.backend.job_info(job.job_id)
        if info is None:  # CUPS forgot the job (history purged, spool lost): send it again
            job.state = JOB_ABORTED
            job.reasons = ("job-lost",)
        else:
            job.state, job.reasons = info.state, info.reasons
        job.last_error = None
        if job.state == JOB_COMPLETED:
            self._finish(job, PRINTED)
        elif job.state == JOB_CANCELED:
            # Someone cancelled it on purpose (staff, lprm): do not print it behind their back.
            self._finish(
                job, FAILED, JobFailedError(self.printer, job.job_id, "canceled", job.attempts)
            )
        elif job.state in (JOB_ABORTED, JOB_STOPPED):
            if job.attempts >= self.max_attempts:
                if job.state == JOB_STOPPED:
                    self.backend.cancel_job(job.job_id)
                state = JOB_STATE_NAMES[job.state]
                self._finish(
                    job, FAILED, JobFailedError(self.printer, job.job_id, state, job.attempts)
                )
            else:
                job.restart_in_place = job.state == JOB_STOPPED
                job.retry_at = self.clock() + self._backoff_for(job.attempts)

    def _finish(self, job: TrackedJob, status: str, error: PrintError | None = None) -> None:
        job.outcome = _outcome(job, status, self.printer, error)

    def outcome_so_far(self, job: TrackedJob) -> PrintOutcome:
        """The job's final outcome, or a ``pending`` one while it is still in CUPS."""
        return job.outcome or _outcome(job, PENDING, self.printer, job.last_error)

    def wait(self, job: TrackedJob, timeout: float, poll_interval: float = 0.1) -> PrintOutcome:
        """Poll until ``job`` is final or ``timeout`` seconds pass; then ``pending``."""
        deadline = self.clock() + timeout
        max_rounds = int(timeout / max(poll_interval, 0.001)) + 2
        for _ in range(max_rounds):
            self.poll()
            if job.outcome is not None:
                return job.outcome
            remaining = deadline - self.clock()
            if remaining <= 0:
                break
            time.sleep(min(poll_interval, remaining))
        return self.outcome_so_far(job)


def _outcome(
    job: TrackedJob, status: str, printer: str | None, error: PrintError | None = None
) -> PrintOutcome:
    return PrintOutcome(
        status=status,
        path=job.path,
        title=job.title,
        printer=printer,
        job_id=job.job_id,
        attempts=job.attempts,
        reprint=job.reprint,
        metadata=dict(job.metadata),
        error=error,
        job_reasons=job.reasons,
    )


def look_up_job(
    printer: str,
    *,
    job_id: int | None = None,
    document_name: str | None = None,
    backend: Any = None,
):
    """CUPS's :class:`~printing.cups_backend.JobInfo` of a job sent earlier, found by its job id
    or, when the id was never learnt (a crash right after sending), by the name of the file
    sent (give each attempt a file name of its own) on ``printer`` among all jobs CUPS
    remembers; None when CUPS knows no such job. Raises CupsUnavailableError while CUPS cannot
    be reached (nothing can be told then)."""
    backend = backend if backend is not None else CupsBackend()
    if job_id is not None:
        return backend.job_info(job_id)
    if document_name is None:
        raise ValueError("look_up_job needs a job id or a document name")
    return backend.find_job(printer, document_name)
