"""Bundles and receipts as files (a USB stick, central's outbox folder): their names, the order
they are read in, and writing each whole. No network: the HTTP side is :mod:`sync.transport`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

BUNDLE_SUFFIX = ".vcb"
RECEIPT_SUFFIX = ".vcr"


def bundle_file_name(sender: str, recipient: str, seq: int) -> str:
    return f"{sender}-to-{recipient}-{seq:06d}{BUNDLE_SUFFIX}"


def receipt_file_name(sender: str, recipient: str, seq: int) -> str:
    """A receipt for bundle ``seq`` of sender → recipient (written by the recipient)."""
    return f"{sender}-to-{recipient}-{seq:06d}{RECEIPT_SUFFIX}"


_SEQ_IN_NAME = re.compile(r"-(\d{6})\.vc[br]$")


def sort_key(path: Path):
    """Files sorted by sequence number, so a whole stick imports in order."""
    match = _SEQ_IN_NAME.search(path.name)
    return (int(match.group(1)) if match else 0, path.name)


def write_atomically(path: Path, data: bytes, mode: int = 0o666) -> None:
    """Write, flush to the device and rename: a pulled USB stick never holds half a bundle.
    ``mode`` (less the umask) is the new file's from its first byte, e.g. 0600 for private."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.unlink(missing_ok=True)  # a .part left by a crash keeps its old mode otherwise
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise
