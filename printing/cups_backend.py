"""A thin wrapper over pycups: the only module that talks to CUPS.

It connects (to a configured server and port, else the default socket), submits files, reads job
and printer state, and enables or disables queues. pycups' ``cups.IPPError`` and ``RuntimeError``
are translated here into :mod:`printing.errors`. A connection is made lazily and made again once
after the server went away (cupsd restarted), so callers need not care.

A backend holds one pycups connection, which is not thread-safe: use one backend per thread (the
kiosk's print worker owns one). :class:`printing.jobs.PrintQueue` takes any object with the same
methods, which is how the retry logic is tested without CUPS.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import cups  # pycups (setup.cfg); libcups2 comes with deploy/install-system-packages.sh

from printing.errors import (
    CupsUnavailableError,
    DocumentError,
    JobRefusedError,
    PrinterNotFoundError,
)

# IPP job states (RFC 8011 §5.3.7).
JOB_PENDING = 3
JOB_HELD = 4
JOB_PROCESSING = 5
JOB_STOPPED = 6
JOB_CANCELED = 7
JOB_ABORTED = 8
JOB_COMPLETED = 9
JOB_STATE_NAMES = {
    JOB_PENDING: "pending",
    JOB_HELD: "held",
    JOB_PROCESSING: "processing",
    JOB_STOPPED: "stopped",
    JOB_CANCELED: "canceled",
    JOB_ABORTED: "aborted",
    JOB_COMPLETED: "completed",
}
FINAL_JOB_STATES = {JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED}

# IPP printer states.
PRINTER_IDLE = 3
PRINTER_PROCESSING = 4
PRINTER_STOPPED = 5
PRINTER_STATE_NAMES = {
    PRINTER_IDLE: "idle",
    PRINTER_PROCESSING: "processing",
    PRINTER_STOPPED: "stopped",
}

# IPP status codes pycups reports in IPPError (numbers, so this module imports without pycups).
_IPP_NOT_FOUND = 0x0406
_IPP_NOT_ACCEPTING = 0x0506
_IPP_SERVICE_UNAVAILABLE = 0x0502
_HTTP_ERROR = -1
_UNREACHABLE = {_IPP_SERVICE_UNAVAILABLE, _HTTP_ERROR}

T = TypeVar("T")


@dataclass(frozen=True)
class JobInfo:
    job_id: int
    state: int
    reasons: tuple[str, ...]

    @property
    def state_name(self) -> str:
        return JOB_STATE_NAMES.get(self.state, str(self.state))


@dataclass(frozen=True)
class PrinterInfo:
    name: str
    state: int
    reasons: tuple[str, ...]
    message: str
    accepting: bool

    @property
    def state_name(self) -> str:
        return PRINTER_STATE_NAMES.get(self.state, str(self.state))


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    return tuple(str(v) for v in value if v and v != "none")


class CupsBackend:
    """One connection to a CUPS server: ``server``/``port`` if given, else the system default."""

    def __init__(self, server: str | None = None, port: int | None = None):
        self.server = server
        self.port = port
        self._connection = None

    # -- connection -------------------------------------------------------------------------
    def _connect(self):
        kwargs: dict[str, Any] = {}
        if self.server:
            kwargs["host"] = self.server
        if self.port:
            kwargs["port"] = int(self.port)
        try:
            return cups.Connection(**kwargs)
        except RuntimeError as exc:
            raise CupsUnavailableError(str(exc)) from exc

    def _call(self, operation: Callable[[Any], T]) -> T:
        """Run ``operation(connection)``; reconnect once if the server went away meanwhile."""
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = self._connect()
            try:
                return operation(self._connection)
            except RuntimeError as exc:
                self._connection = None
                if attempt == 2:
                    raise CupsUnavailableError(str(exc)) from exc
            except cups.IPPError as exc:
                status = exc.args[0] if exc.args else None
                if status not in _UNREACHABLE:
                    raise
                self._connection = None
                if attempt == 2:
                    raise CupsUnavailableError(_ipp_detail(exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._connection = None

    # -- printers ---------------------------------------------------------------------------
    def printer_names(self) -> list[str]:
        return sorted(self._call(lambda conn: conn.getPrinters()))

    def printer_exists(self, printer: str) -> bool:
        return printer in self.printer_names()

    def printer_info(self, printer: str) -> PrinterInfo:
        wanted = [
            "printer-state",
            "printer-state-reasons",
            "printer-state-message",
            "printer-is-accepting-jobs",
        ]
        try:
            attrs = self._call(
                lambda conn: conn.getPrinterAttributes(printer, requested_attributes=wanted)
            )
        except cups.IPPError as exc:
            raise self._translate(exc, printer) from exc
        return PrinterInfo(
            name=printer,
            state=int(attrs.get("printer-state", 0)),
            reasons=_as_tuple(attrs.get("printer-state-reasons")),
            message=str(attrs.get("printer-state-message") or ""),
            accepting=bool(attrs.get("printer-is-accepting-jobs", False)),
        )

    def enable(self, printer: str) -> None:
        """Start the queue and let it accept jobs (``cupsenable`` + ``cupsaccept``)."""
        try:
            self._call(lambda conn: conn.enablePrinter(printer))
            self._call(lambda conn: conn.acceptJobs(printer))
        except cups.IPPError as exc:
            raise self._translate(exc, printer) from exc

    def disable(self, printer: str, reason: str = "") -> None:
        """Stop the queue (``cupsdisable``): jobs are accepted and held until it is enabled."""
        try:
            self._call(lambda conn: conn.disablePrinter(printer, reason=reason))
        except cups.IPPError as exc:
            raise self._translate(exc, printer) from exc

    # -- jobs -------------------------------------------------------------------------------
    def submit(
        self, printer: str, path: os.PathLike | str, title: str, options: Mapping[str, str]
    ) -> int:
        """Send ``path`` to ``printer``; returns the CUPS job id."""
        path = os.fspath(path)
        if not os.access(path, os.R_OK):
            raise DocumentError(path, "not readable")
        cups_options = {str(k): str(v) for k, v in options.items()}
        try:
            return int(self._call(lambda conn: conn.printFile(printer, path, title, cups_options)))
        except cups.IPPError as exc:
            raise self._translate(exc, printer) from exc

    def job_info(self, job_id: int) -> JobInfo | None:
        """The job's state, or None when CUPS no longer knows the job (history purged)."""
        wanted = ["job-state", "job-state-reasons"]
        try:
            attrs = self._call(
                lambda conn: conn.getJobAttributes(job_id, requested_attributes=wanted)
            )
        except cups.IPPError as exc:
            if exc.args and exc.args[0] == _IPP_NOT_FOUND:
                return None
            raise CupsUnavailableError(f"job {job_id}: {_ipp_detail(exc)}") from exc
        return JobInfo(
            job_id=job_id,
            state=int(attrs.get("job-state", 0)),
            reasons=_as_tuple(attrs.get("job-state-reasons")),
        )

    def find_job(self, printer: str, document_name: str) -> JobInfo | None:
        """The newest job on ``printer`` whose file was named ``document_name`` (the base name
        of the path submitted), among all jobs CUPS remembers, completed ones included; or None.

        By the file's name, not the job's title: CUPS hides ``job-name`` (JobPrivateValues)
        from a caller it has not authenticated, and shows ``document-name-supplied``."""
        # pycups keys its answer by job-id: without it in the request the answer is empty.
        wanted = ["job-id", "document-name-supplied", "job-state", "job-state-reasons"]
        wanted.append("job-printer-uri")
        try:
            jobs = self._call(
                lambda conn: conn.getJobs(which_jobs="all", requested_attributes=wanted)
            )
        except cups.IPPError as exc:
            raise CupsUnavailableError(f"jobs of {printer}: {_ipp_detail(exc)}") from exc
        for job_id in sorted(jobs, reverse=True):
            attrs = jobs[job_id]
            on_printer = (
                str(attrs.get("job-printer-uri", "")).rstrip("/").endswith(f"/printers/{printer}")
            )
            if on_printer and attrs.get("document-name-supplied") == document_name:
                return JobInfo(
                    job_id=int(job_id),
                    state=int(attrs.get("job-state", 0)),
                    reasons=_as_tuple(attrs.get("job-state-reasons")),
                )
        return None

    def restart_job(self, job_id: int) -> None:
        """Put a stopped (or aborted, if CUPS kept its file) job back in the queue."""
        try:
            self._call(lambda conn: conn.restartJob(job_id))
        except cups.IPPError as exc:
            raise JobRefusedError(f"job {job_id}", _ipp_detail(exc)) from exc

    def cancel_job(self, job_id: int) -> None:
        try:
            self._call(lambda conn: conn.cancelJob(job_id))
        except cups.IPPError as exc:
            if not (exc.args and exc.args[0] == _IPP_NOT_FOUND):  # already gone is fine
                raise JobRefusedError(f"job {job_id}", _ipp_detail(exc)) from exc

    # -- error translation ------------------------------------------------------------------
    def _translate(self, exc: Exception, printer: str) -> Exception:
        status = exc.args[0] if exc.args else None
        if status == _IPP_NOT_FOUND:
            return PrinterNotFoundError(printer)
        # cupsPrintFile reports a missing queue as an internal error: ask whether it exists.
        try:
            exists = self.printer_exists(printer)
        except CupsUnavailableError as unavailable:
            return unavailable
        if not exists:
            return PrinterNotFoundError(printer)
        return JobRefusedError(printer, _ipp_detail(exc))


def _ipp_detail(exc: Exception) -> str:
    if len(exc.args) >= 2:
        status, text = exc.args[0], exc.args[1]
        if isinstance(status, int) and status >= 0:
            return f"IPP {status:#06x}: {text}"
        return str(text)
    return str(exc)
