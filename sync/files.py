"""Folders and files a party keeps for itself: private to the user the service runs as.

A kiosk's home and central's home hold private keys and residents' personal data. systemd's
``UMask=0077`` / ``StateDirectoryMode=0700`` protect them under the shipped units; these helpers
make ``init``, enrollment and the stores do the same when run by hand: folders 0700, files 0600.
SQLite gives a database's ``-wal`` and ``-shm`` files the mode of the database itself, so a
database created 0600 stays private with them.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) 0700; an existing one of ours is made 0700 too."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if path.stat().st_uid == os.getuid():
        os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty and 0600 if it does not exist (before anything is written to it,
    so its contents are never readable by others); an existing file is left as it is."""
    path = Path(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    return path


def make_tree_private(root: Path) -> None:
    """``root`` and everything under it: folders 0700, files 0600 (symlinks left alone)."""
    root = Path(root)
    os.chmod(root, FOLDER_MODE)
    for folder, subfolders, files in os.walk(root):
        for name in subfolders:
            path = Path(folder) / name
            if not path.is_symlink():
                os.chmod(path, FOLDER_MODE)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                os.chmod(path, FILE_MODE)
