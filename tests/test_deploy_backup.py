"""Backing up and restoring the central office (deploy/backup.py), on SQLite and PostgreSQL."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.backup import BackupError, Database, create_backup, read_manifest, restore_backup
from deploy.procs import command_for
from tests.fixtures_central import LYASKOVETS_PROFILE, CentralCli
from tests.fixtures_postgres import fresh_database

ROOT = Path(__file__).resolve().parent.parent


def central(home: Path, *args: str, database_url: str | None = None, stdin: str | None = None):
    env = {**os.environ, "CENTRAL_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [*command_for("central-api"), *args],
        env=env, input=stdin, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


def populated_central(home: Path, database_url: str | None = None) -> list:
    """A central with users, two invited kiosks and their audit trail; returns `kiosk list`.

    Made by the command line in this process (the restored central is then asked through a
    real ``central-api`` process)."""
    env = {"CENTRAL_HOME": str(home), "DATABASE_URL": database_url or sqlite_url(home)}
    cli = CentralCli(env)
    cli("init", "--municipality", str(LYASKOVETS_PROFILE))
    cli("user", "add", "admin", "--role", "admin", "--password-stdin", input="админ-парола-1\n")
    cli("user", "add", "clerk", "--role", "clerk", "--password-stdin", input="служител-парола-2\n")
    cli("kiosk", "invite", "kozarevets")
    cli("kiosk", "invite", "merdanya")
    return json.loads(cli("kiosk", "list", "--json").stdout)


def sqlite_url(home: Path) -> str:
    return f"sqlite:///{home / 'central.db'}"


# --- the archive itself, without central -----------------------------------------------------


@pytest.fixture
def small_home(tmp_path):
    home = tmp_path / "central"
    (home / "keys" / "documents").mkdir(parents=True)
    (home / "keys" / "signing.pem").write_text("-----BEGIN PRIVATE KEY-----\nfake\n")
    (home / "keys" / "documents" / "cert.pem").write_text("certificate")
    db = sqlite3.connect(home / "central.db")
    with db:
        db.execute("create table requests (reference text primary key, village text)")
        db.execute("insert into requests values ('KOZ1-00001', 'kozarevets')")
    db.close()
    return home


def test_sqlite_backup_restores_database_and_keys_into_a_fresh_home(small_home, tmp_path):
    archive = create_backup(small_home, Database.from_url(sqlite_url(small_home)), tmp_path / "b")
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds private keys: owner only"
    manifest = read_manifest(archive)
    assert manifest["database"] == "sqlite"
    assert "home/keys/signing.pem" in manifest["files"]
    assert "home/central.db" not in manifest["files"], "the live database goes via the backup API"

    fresh = tmp_path / "restored"
    restore_backup(archive, fresh, Database.from_url(sqlite_url(fresh)))
    rows = sqlite3.connect(fresh / "central.db").execute("select * from requests").fetchall()
    assert rows == [("KOZ1-00001", "kozarevets")]
    assert (fresh / "keys" / "documents" / "cert.pem").read_text() == "certificate"


def test_restore_refuses_a_home_that_is_not_empty(small_home, tmp_path):
    archive = create_backup(small_home, Database.from_url(sqlite_url(small_home)), tmp_path / "b")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(archive, small_home, Database.from_url(sqlite_url(small_home)))


def test_restore_refuses_a_damaged_archive(small_home, tmp_path):
    archive = create_backup(small_home, Database.from_url(sqlite_url(small_home)), tmp_path / "b")
    damaged = tmp_path / "damaged.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        restore_backup(
            damaged, tmp_path / "fresh", Database.from_url(sqlite_url(tmp_path / "fresh"))
        )


def test_restore_refuses_the_wrong_kind_of_database(small_home, tmp_path):
    archive = create_backup(small_home, Database.from_url(sqlite_url(small_home)), tmp_path / "b")
    with pytest.raises(BackupError, match="holds a sqlite database"):
        restore_backup(archive, tmp_path / "fresh", Database.from_url("postgresql://x@127.0.0.1/y"))


def test_backup_cli_round_trip(small_home, tmp_path):
    env = {**os.environ, "CENTRAL_HOME": str(small_home)}
    env.pop("DATABASE_URL", None)
    made = subprocess.run(
        [sys.executable, "-m", "deploy.backup", "create", "--out", str(tmp_path / "b")],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    archive = made.stdout.strip().splitlines()[-1]
    env["CENTRAL_HOME"] = str(tmp_path / "restored")
    restored = subprocess.run(
        [sys.executable, "-m", "deploy.backup", "restore", archive],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    again = subprocess.run(
        [sys.executable, "-m", "deploy.backup", "restore", archive],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert again.returncode == 1
    assert again.stderr.startswith("backup: ") and "not empty" in again.stderr


# --- a real central ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_central(tmp_path_factory) -> tuple[Path, list]:
    """A populated SQLite central for the module's restore tests (each backs it up and restores
    into a home of its own; a backup only reads it): (home, its `kiosk list`)."""
    home = tmp_path_factory.mktemp("populated") / "central"
    return home, populated_central(home)


def test_restored_sqlite_central_keeps_its_kiosks_and_identity(sqlite_central, tmp_path):
    home, kiosks = sqlite_central
    archive = create_backup(home, Database.from_url(sqlite_url(home)), tmp_path / "backups")
    fresh = tmp_path / "restored"
    restore_backup(archive, fresh, Database.from_url(sqlite_url(fresh)))
    assert central(fresh, "init", "--municipality", str(LYASKOVETS_PROFILE)).returncode == 0
    listed = central(fresh, "kiosk", "list", "--json")
    assert json.loads(listed.stdout) == kiosks
    assert (fresh / "keys" / "signing.pem").read_bytes() == (
        home / "keys" / "signing.pem"
    ).read_bytes()


def test_audit_log_verifies_after_sqlite_restore(sqlite_central, tmp_path):
    home, _ = sqlite_central
    archive = create_backup(home, Database.from_url(sqlite_url(home)), tmp_path / "backups")
    fresh = tmp_path / "restored"
    restore_backup(archive, fresh, Database.from_url(sqlite_url(fresh)))
    verified = central(fresh, "audit", "verify")
    assert verified.returncode == 0, verified.stderr


@pytest.fixture
def second_postgres_database(postgres_url):
    """Another empty database in the session's cluster (the restore target)."""
    with fresh_database(postgres_url, prefix="restore") as url:
        yield url


@pytest.mark.postgres
def test_postgres_backup_restores_into_a_fresh_database_and_the_audit_log_verifies(
    tmp_path, postgres_database, second_postgres_database
):
    home = tmp_path / "central"
    kiosks = populated_central(home, database_url=postgres_database)
    archive = create_backup(home, Database.from_url(postgres_database), tmp_path / "backups")
    assert read_manifest(archive)["database"] == "postgresql"

    fresh = tmp_path / "restored"
    restore_backup(archive, fresh, Database.from_url(second_postgres_database))
    listed = central(fresh, "kiosk", "list", "--json", database_url=second_postgres_database)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == kiosks
    verified = central(fresh, "audit", "verify", database_url=second_postgres_database)
    assert verified.returncode == 0, verified.stderr


def test_keep_prunes_all_but_the_newest_archives(tmp_path):
    from deploy.backup import prune_backups

    folder = tmp_path / "backups"
    folder.mkdir()
    names = [f"central-backup-2026112{day}T023000Z.tar.gz" for day in range(1, 6)]
    for name in names:
        (folder / name).write_bytes(b"x")
    (folder / "unrelated.txt").write_text("kept")
    removed = prune_backups(folder, keep=2)
    assert sorted(path.name for path in removed) == names[:3]
    assert sorted(path.name for path in folder.iterdir()) == [*names[3:], "unrelated.txt"]
