"""Print jobs followed to the end: submit, poll until CUPS says completed, retry, or spool.

A document counts as printed only when its CUPS job reached ``completed``; the caller records
``request.printed`` from the returned :class:`PrintOutcome` (``outcome.printed``) and passes
``reprint=True`` for a second print of an official document, which the outcome carries back.

- :func:`print_document` prints one file and waits (bounded) for the job to finish. With no
  printer configured, or CUPS unreachable, or the queue missing, the file goes to the spool
  folder and the outcome says so and why: nothing is lost.
- :func:`flush_spool` prints what the spool holds once a printer is back.
- :class:`PrintQueue` follows several jobs with a non-blocking :meth:`PrintQueue.poll`; aborted
  jobs are sent again and stopped jobs restarted, with backoff, up to ``max_attempts``.
- :func:`print_to_folder` copies the file into a folder: the "printer" of a kiosk without one.

No threads and no Qt here: the kiosk calls these from its print worker thread.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
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
from printing.errors import (
    CupsUnavailableError,
    DocumentError,
    JobFailedError,
    PrintError,
)

__all__ = [
    "PrintOutcome",
    "PrintQueue",
    "TrackedJob",
    "print_document",
    "flush_spool",
    "spooled_documents",
    "print_to_folder",
]

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
    final outcome, which is where the kiosk records ``request.printed``.
    """

    def __init__(
        self,
        printer: str,
        *,
        backend: Any = None,
        max_attempts: int = 3,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        on_finished: Callable[[PrintOutcome], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.printer = printer
        self.backend = backend if backend is not None else CupsBackend()
        self.max_attempts = max_attempts
        self.backoff = tuple(backoff) or (0.0,)
        self.on_finished = on_finished
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


def print_document(
    pdf_path: os.PathLike | str,
    *,
    printer: str | None,
    spool_dir: os.PathLike | str,
    title: str,
    copies: int = 1,
    reprint: bool = False,
    metadata: Mapping[str, Any] | None = None,
    options: Mapping[str, str] | None = None,
    backend: Any = None,
    timeout: float = 60.0,
    max_attempts: int = 3,
    backoff: Sequence[float] = DEFAULT_BACKOFF,
) -> PrintOutcome:
    """Print ``pdf_path`` unchanged and wait up to ``timeout`` s for its job to complete.

    Returns an outcome: ``printed`` (job completed), ``pending`` (still in CUPS after the
    timeout: follow it with ``PrintQueue.track``), ``spooled`` (kept in ``spool_dir``, with the
    reason in ``error``) or ``failed`` (``error`` is a JobFailedError). Raises DocumentError
    only when the file itself cannot be read or kept.
    """
    pdf_path = Path(pdf_path)
    if not pdf_path.is_file():
        raise DocumentError(pdf_path, "no such file")
    spool_args = dict(title=title, copies=copies, reprint=reprint, metadata=metadata)
    if not printer:
        return _spool(pdf_path, Path(spool_dir), printer=None, error=None, **spool_args)
    queue = PrintQueue(printer, backend=backend, max_attempts=max_attempts, backoff=backoff)
    try:
        job = queue.submit(
            pdf_path,
            title=title,
            copies=copies,
            reprint=reprint,
            metadata=metadata,
            options=options,
        )
    except DocumentError:
        raise
    except PrintError as exc:  # CUPS down, queue missing, job refused: keep it for later
        return _spool(pdf_path, Path(spool_dir), printer=printer, error=exc, **spool_args)
    return queue.wait(job, timeout)


# -- spool ----------------------------------------------------------------------------------


def _safe_name(title: str) -> str:
    cleaned = re.sub(r"[^\w.-]+", "_", title, flags=re.UNICODE).strip("._")
    return cleaned[:60] or "document"


def _spool(
    pdf_path: Path,
    spool_dir: Path,
    *,
    printer: str | None,
    error: PrintError | None,
    title: str,
    copies: int,
    reprint: bool,
    metadata: Mapping[str, Any] | None,
) -> PrintOutcome:
    """Copy the file into the spool with a JSON sidecar; the PDF appears last, atomically."""
    stem = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}-{_safe_name(title)}"
    target = spool_dir / f"{stem}.pdf"
    sidecar = {
        "title": title,
        "copies": int(copies),
        "reprint": bool(reprint),
        "metadata": dict(metadata or {}),
        "original": str(pdf_path),
        "spooled_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "reason": error.message["en"] if error else "no printer configured",
    }
    try:
        spool_dir.mkdir(parents=True, exist_ok=True)
        partial = spool_dir / f".{stem}.pdf.part"
        shutil.copyfile(pdf_path, partial)
        (spool_dir / f"{stem}.json").write_text(
            json.dumps(sidecar, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        os.replace(partial, target)
    except OSError as exc:
        raise DocumentError(spool_dir, str(exc)) from exc
    return PrintOutcome(
        status=SPOOLED,
        path=target,
        title=title,
        printer=printer,
        reprint=reprint,
        metadata=dict(metadata or {}),
        error=error,
    )


def spooled_documents(spool_dir: os.PathLike | str) -> list[Path]:
    """The spooled PDFs, oldest first."""
    spool_dir = Path(spool_dir)
    if not spool_dir.is_dir():
        return []
    return sorted(pdf for pdf in spool_dir.glob("*.pdf") if pdf.with_suffix(".json").is_file())


def flush_spool(
    spool_dir: os.PathLike | str,
    *,
    printer: str,
    backend: Any = None,
    timeout: float = 60.0,
    max_attempts: int = 3,
    backoff: Sequence[float] = DEFAULT_BACKOFF,
) -> list[PrintOutcome]:
    """Print the spooled documents on ``printer``, oldest first.

    A document leaves the spool once CUPS holds it (``printed``, or ``pending`` inside CUPS);
    a ``failed`` one moves to ``spool_dir/failed/``. If CUPS is unreachable or the queue is
    missing, flushing stops and the rest stays spooled; that outcome is ``spooled`` with the error.
    """
    spool_dir = Path(spool_dir)
    queue = PrintQueue(printer, backend=backend, max_attempts=max_attempts, backoff=backoff)
    outcomes = []
    for pdf in spooled_documents(spool_dir):
        sidecar_path = pdf.with_suffix(".json")
        sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
        try:
            job = queue.submit(
                pdf,
                title=sidecar["title"],
                copies=sidecar.get("copies", 1),
                reprint=sidecar.get("reprint", False),
                metadata=sidecar.get("metadata"),
            )
        except PrintError as exc:
            outcomes.append(
                PrintOutcome(
                    status=SPOOLED,
                    path=pdf,
                    title=sidecar["title"],
                    printer=printer,
                    reprint=sidecar.get("reprint", False),
                    metadata=sidecar.get("metadata", {}),
                    error=exc,
                )
            )
            break
        outcome = queue.wait(job, timeout)
        if outcome.status == FAILED:
            failed_dir = spool_dir / "failed"
            failed_dir.mkdir(exist_ok=True)
            os.replace(sidecar_path, failed_dir / sidecar_path.name)
            os.replace(pdf, failed_dir / pdf.name)
        else:
            # CUPS copied the file into its own spool on submit; ours is no longer needed.
            pdf.unlink()
            sidecar_path.unlink()
        outcomes.append(outcome)
    return outcomes


def print_to_folder(pdf_path: os.PathLike | str, folder: os.PathLike | str) -> Path:
    """Copy ``pdf_path`` into ``folder`` (the kiosk's stand-in printer); returns the new path.

    The name is kept; an existing file of that name is never overwritten (``-2``, ``-3``...).
    """
    pdf_path, folder = Path(pdf_path), Path(folder)
    if not pdf_path.is_file():
        raise DocumentError(pdf_path, "no such file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{pdf_path.name}.{uuid.uuid4().hex[:8]}.part"
        shutil.copyfile(pdf_path, partial)
        for counter in range(1, 10_000):
            suffix = "" if counter == 1 else f"-{counter}"
            target = folder / f"{pdf_path.stem}{suffix}{pdf_path.suffix}"
            try:
                os.link(partial, target)  # fails if the name exists: no overwrite, no race
            except FileExistsError:
                continue
            partial.unlink()
            return target
        raise DocumentError(folder, "too many copies with the same name")
    except OSError as exc:
        raise DocumentError(folder, str(exc)) from exc
