"""Printing that loses nothing: print now, or keep the file in a spool folder and print it later.

- :func:`print_document` prints one file unchanged and waits (bounded) for its job to finish.
  With no printer configured, CUPS unreachable or the queue missing, the file goes to the spool
  folder (a PDF and a JSON sidecar with its title, copies, reprint flag and caller's metadata)
  and the outcome says so and why.
- :func:`flush_spool` prints what the spool holds once a printer is back.
- :func:`print_to_folder` copies a file into a folder: the "printer" of a kiosk without one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from printing.errors import DocumentError, PrintError
from printing.jobs import DEFAULT_BACKOFF, FAILED, SPOOLED, PrintOutcome, PrintQueue

__all__ = ["print_document", "flush_spool", "spooled_documents", "print_to_folder"]


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
    on_sent=None,
) -> PrintOutcome:
    """Print ``pdf_path`` unchanged and wait up to ``timeout`` s for its job to complete.

    ``on_sent(job)`` hears each job id CUPS gives (see :class:`PrintQueue`): record it, so that
    after a crash the job is looked up (:func:`printing.look_up_job`), not sent again.

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
    queue = PrintQueue(
        printer, backend=backend, max_attempts=max_attempts, backoff=backoff, on_sent=on_sent
    )
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


def print_to_folder(
    pdf_path: os.PathLike | str, folder: os.PathLike | str, name: str | None = None
) -> Path:
    """Copy ``pdf_path`` into ``folder`` (the kiosk's stand-in printer); returns the new path.

    With ``name``, the name is the print's identity: the file appears under it whole or not at
    all (copied aside, then linked into place), and when it is already there that print
    happened, so the existing file is returned and nothing is written (a print repeated after a
    crash is not a second copy). Without ``name`` the file's own name is used and an existing
    file is never overwritten (``-2``, ``-3``...).
    """
    pdf_path, folder = Path(pdf_path), Path(folder)
    if not pdf_path.is_file():
        raise DocumentError(pdf_path, "no such file")
    if name is not None and (folder / name).is_file():
        return folder / name
    partial = folder / f".{pdf_path.name}.{uuid.uuid4().hex[:8]}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf_path, partial)
        candidates = [name] if name is not None else [
            f"{pdf_path.stem}{'' if counter == 1 else f'-{counter}'}{pdf_path.suffix}"
            for counter in range(1, 10_000)
        ]  # fmt: skip
        for candidate in candidates:
            target = folder / candidate
            try:
                os.link(partial, target)  # fails if the name exists: no overwrite, no race
            except FileExistsError:
                if name is not None:
                    return target  # another run of the same print got there first
                continue
            return target
        raise DocumentError(folder, "too many copies with the same name")
    except OSError as exc:
        raise DocumentError(folder, str(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)  # also when the disk filled up half-way
