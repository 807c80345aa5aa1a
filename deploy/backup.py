"""Back up and restore the central office: its database and its home folder (keys included).

One archive (``central-backup-<UTC time>.tar.gz``) holds:

- ``manifest.json``: format, creation time, database kind and the SHA-256 of every other member;
- ``database.sqlite`` (SQLite, copied with SQLite's online backup API: consistent while central
  runs) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``home/``: everything in ``$CENTRAL_HOME`` except the live SQLite files, above all ``keys/``
  (the bundle identity every kiosk has pinned, and the document-signing key).

The archive holds private keys and residents' data: keep it encrypted and offline
(docs/operations.md). Restoring wants an empty home and an empty database.

    python -m deploy.backup create --out /var/backups/central [--keep 14]
    python -m deploy.backup restore /var/backups/central/central-backup-20261125T101500Z.tar.gz
    python -m deploy.backup show ARCHIVE

``--home`` and ``--database-url`` default to ``$CENTRAL_HOME`` and ``$DATABASE_URL``, as for
``central-api``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from central_api.restore import RESTORE_MARKER

FORMAT = 1
SQLITE_FILES = ("central.db", "central.db-wal", "central.db-shm", "central.db-journal")


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """Where central's data lives: an SQLite file or a PostgreSQL URL (for libpq tools)."""

    kind: str  # "sqlite" | "postgresql"
    sqlite_path: Path | None = None
    libpq_url: str | None = None

    @classmethod
    def from_url(cls, url: str) -> Database:
        scheme = urlsplit(url).scheme
        if scheme.startswith("sqlite"):
            # sqlite:///relative or sqlite:////absolute, as SQLAlchemy reads them.
            path = url.split(":///", 1)[1] if ":///" in url else ""
            if not path or path == ":memory:":
                raise BackupError(f"cannot back up an in-memory database ({url})")
            return cls("sqlite", sqlite_path=Path(unquote(path)))
        if scheme.startswith("postgres"):
            # postgresql+psycopg://... is SQLAlchemy's spelling; pg_dump wants postgresql://...
            return cls("postgresql", libpq_url="postgresql://" + url.split("://", 1)[1])
        raise BackupError(f"unsupported database URL {url!r}: expected sqlite:/// or postgresql://")


def default_locations(home: str | None, database_url: str | None) -> tuple[Path, Database]:
    """The home and database ``central-api`` would use with the same environment."""
    home_path = Path(home or os.environ.get("CENTRAL_HOME") or "./var/central").resolve()
    url = database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{home_path / 'central.db'}"
    return home_path, Database.from_url(url)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client")
    return found


def _run(args: list[str], what: str) -> None:
    try:
        subprocess.run(args, check=True, capture_output=True, text=True, timeout=3600)
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{what} failed: {exc.stderr.strip() or exc}") from exc


def create_backup(home: Path, database: Database, out_dir: Path) -> Path:
    """Write one archive of the database and the home into ``out_dir``; return its path."""
    if not (home / "keys").is_dir():
        raise BackupError(f"{home} has no keys/ folder: is CENTRAL_HOME right? (central-api init)")
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = out_dir / f"central-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="central-backup-") as scratch_name:
        scratch = Path(scratch_name)
        if database.kind == "sqlite":
            if not database.sqlite_path.exists():
                raise BackupError(f"no SQLite database at {database.sqlite_path}")
            dump = scratch / "database.sqlite"
            source = sqlite3.connect(f"file:{database.sqlite_path}?mode=ro", uri=True)
            target = sqlite3.connect(dump)
            try:
                with target:
                    source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            dump = scratch / "database.pgdump"
            _run(
                [_tool("pg_dump"), "--format=custom", "--file", str(dump), database.libpq_url],
                "pg_dump",
            )
        home_files = [
            path
            for path in sorted(home.rglob("*"))
            if path.is_file()
            and not (path.parent == home and path.name in (*SQLITE_FILES, RESTORE_MARKER))
        ]
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database.kind,
            "files": {dump.name: _sha256(dump)}
            | {f"home/{path.relative_to(home)}": _sha256(path) for path in home_files},
        }
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for path in home_files:
                tar.add(path, arcname=f"home/{path.relative_to(home)}")
        partial.chmod(0o600)
        partial.rename(archive)
    return archive


def prune_backups(out_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives in ``out_dir``; return the deleted ones."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    archives = sorted(out_dir.glob("central-backup-*.tar.gz"))  # names sort by time
    doomed = archives[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.load(member)
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive} is not a central backup: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{archive} has backup format {manifest.get('format')}, expected {FORMAT}"
        )
    return manifest


def restore_backup(archive: Path, home: Path, database: Database, force: bool = False) -> dict:
    """Restore ``archive`` into an empty ``home`` and an empty database; return the manifest."""
    manifest = read_manifest(archive)
    if manifest["database"] != database.kind:
        raise BackupError(
            f"the backup holds a {manifest['database']} database but the target is {database.kind}:"
            " set DATABASE_URL to match (docs/operations.md explains moving between them)"
        )
    if home.exists() and any(home.iterdir()) and not force:
        raise BackupError(f"{home} is not empty: restore into a fresh folder or pass --force")
    with tempfile.TemporaryDirectory(prefix="central-restore-") as scratch_name:
        scratch = Path(scratch_name)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(scratch, filter="data")
        for name, expected in manifest["files"].items():
            path = scratch / name
            if not path.is_file() or _sha256(path) != expected:
                raise BackupError(f"{archive} is damaged: {name} does not match its checksum")
        # The database first: if it fails, the home stays untouched.
        if database.kind == "sqlite":
            _restore_sqlite(scratch / "database.sqlite", database.sqlite_path, force)
        else:
            _run(
                [
                    _tool("pg_restore"), "--exit-on-error", "--single-transaction",
                    "--no-owner", "--no-privileges", "--dbname", database.libpq_url,
                    str(scratch / "database.pgdump"),
                ],
                "pg_restore (the target database must be empty)",
            )  # fmt: skip
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        source_home = scratch / "home"
        if source_home.is_dir():
            for path in sorted(source_home.rglob("*")):
                target = home / path.relative_to(source_home)
                if path.is_dir():
                    target.mkdir(parents=True, exist_ok=True, mode=0o700)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                    shutil.copy2(path, target)
    # Central has forgotten whatever happened after the backup: `central-api init` opens a new
    # numbering epoch from this marker (central_api.restore), so no number is given twice.
    marker = home / RESTORE_MARKER
    marker.write_text(
        json.dumps(
            {
                "backup_created": manifest["created"],
                "restored_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        ),
        encoding="utf-8",
    )
    marker.chmod(0o600)
    return manifest


def _restore_sqlite(dump: Path, target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise BackupError(f"{target} exists: restore into a fresh home or pass --force")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in SQLITE_FILES[1:]:
        target.with_name(target.name + name.removeprefix("central.db")).unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        source.close()
        destination.close()
    target.chmod(0o600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.backup", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="write a backup archive")
    create.add_argument("--out", type=Path, required=True, help="folder for the archive")
    create.add_argument(
        "--keep", type=int, default=None, help="then keep only the N newest archives"
    )
    restore = commands.add_parser(
        "restore", help="restore an archive into an empty home and database"
    )
    restore.add_argument("archive", type=Path)
    restore.add_argument(
        "--force", action="store_true", help="overwrite a non-empty home / database file"
    )
    show = commands.add_parser("show", help="print an archive's manifest")
    show.add_argument("archive", type=Path)
    for sub in (create, restore):
        sub.add_argument("--home", help="central's home (default $CENTRAL_HOME or ./var/central)")
        sub.add_argument("--database-url", help="default $DATABASE_URL, else SQLite in the home")
    args = parser.parse_args(argv)
    try:
        if args.command == "show":
            print(json.dumps(read_manifest(args.archive), indent=2))
            return 0
        home, database = default_locations(args.home, args.database_url)
        if args.command == "create":
            print(create_backup(home, database, args.out))
            if args.keep is not None:
                for path in prune_backups(args.out, args.keep):
                    print(f"removed the older backup {path}")
        else:
            manifest = restore_backup(args.archive, home, database, force=args.force)
            print(f"Restored the backup of {manifest['created']} into {home}.")
            print(
                "Next: run `central-api init` (upgrades the schema if needed), then `central-api audit verify`."
            )
    except BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
