"""The running central office: its home folder, database engine and bundle identity.

Built once per process from the configuration (``Central.from_config``); the Flask app keeps it
in ``app.extensions["central"]`` and the CLI builds its own.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from sync import Identity, SyncError
from sync.files import make_tree_private, private_file, private_folder

from .db import make_engine
from .errors import NotInitialisedError, SigningTokenError

KEYS_FOLDER = "keys"


@dataclass
class Central:
    home: Path
    database_url: str
    config: dict = field(default_factory=dict)
    _engine: Engine | None = None
    _identity: Identity | None = None
    _document_signer: object | None = None

    @classmethod
    def from_config(cls, config: dict) -> Central:
        return cls(Path(config["CENTRAL_HOME"]), config["DATABASE_URL"], dict(config))

    @property
    def keys_folder(self) -> Path:
        return self.home / KEYS_FOLDER

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return self._engine

    @property
    def identity(self) -> Identity:
        if self._identity is None:
            try:
                self._identity = Identity.load(self.keys_folder)
            except SyncError as exc:
                raise NotInitialisedError(
                    f"Central has no bundle keys in {self.keys_folder}: run `central-api init`."
                ) from exc
        return self._identity

    @functools.cached_property
    def signing_settings(self):
        """Where the document-signing key lives and which TSA time-stamps (configuration)."""
        from .documents import SigningSettings

        return SigningSettings.from_config(self.config, self.keys_folder / "documents")

    @property
    def document_signer(self):
        """The development key file (``pem``), loaded once; ``None`` when the key is on a token
        (then :meth:`open_signer` opens it with the clerk's PIN)."""
        settings = self.signing_settings
        if settings.kind != "pem":
            return None
        if self._document_signer is None:
            from .documents import DocumentSigner  # on first use: pyHanko is slow to load
            from .municipality import load_installed

            folder = settings.pem_folder
            if DocumentSigner.exists_in(folder):
                signer = DocumentSigner.load(folder)
            else:
                # Made once, named after the municipality of the profile installed by `init`.
                municipality = load_installed(self.home)
                signer = DocumentSigner.load_or_create(
                    folder, municipality.official_name.bg, municipality.centre.name.bg
                )
            signer.timestamper = settings.timestamper()
            self._document_signer = signer
        return self._document_signer

    @property
    def signing_needs_pin(self) -> bool:
        return self.signing_settings.needs_pin

    @contextlib.contextmanager
    def open_signer(self, pin: str | None = None) -> Iterator[object]:
        """The signer for one approval or one batch (a token session is closed afterwards).
        Token problems (wrong PIN, locked, missing) are :class:`SigningTokenError`."""
        from .documents import SigningDeviceError, open_signer

        try:
            with open_signer(self.signing_settings, pin, self.document_signer) as signer:
                yield signer
        except SigningDeviceError as exc:
            raise SigningTokenError(exc.message, exc.code, exc.http_status) from exc

    def document_certificate_pem(self) -> bytes:
        """The certificate documents are signed with (read from the token or the remote signing
        service when the key is there)."""
        from .documents import SigningDeviceError, signing_certificate_pem

        if self.document_signer is not None:
            return self.document_signer.certificate_pem()
        try:
            return signing_certificate_pem(self.signing_settings)
        except SigningDeviceError as exc:
            raise SigningTokenError(exc.message, exc.code, exc.http_status) from exc

    def initialise(self, municipality_file: Path | str | None = None) -> dict:
        """Create the home and the bundle keys (once), install the municipality profile (given
        the first time, optional afterwards), upgrade the database to the newest schema and
        publish the profile if it changed. Safe to run again: keys and data stay."""
        from .catalogues import refill_settlements
        from .db import write
        from .db.migrate import current_revision, upgrade
        from .municipality import install_profile, load_installed, publish_if_changed
        from .waiting_room import release_waiting

        private_folder(self.home)
        database = Path(self.database_url.removeprefix("sqlite:///"))
        if self.database_url.startswith("sqlite:///") and database.parent.is_dir():
            private_file(database)  # before SQLite makes it: -wal and -shm inherit its mode
        if municipality_file is not None:
            install_profile(self.home, municipality_file)
        municipality = load_installed(self.home)
        created = False
        if not (self.keys_folder / "signing.pem").exists():
            Identity.generate("central").save(self.keys_folder)
            created = True
        signer = self.document_signer  # made once, here, before any server starts (pem)
        before = current_revision(self.engine)
        upgrade(self.engine)
        with write(self.engine) as conn:
            version, changed = publish_if_changed(conn, municipality)
            if changed and version > 1:  # the settlements may have changed
                refill_settlements(conn)
        # Records an older software kept aside for want of knowing their type apply now.
        released = release_waiting(self.engine)
        epoch = self.start_epoch_after_restore()
        make_tree_private(self.home)  # keys, the document key, the database: 0600 / 0700
        return {
            "released": released.to_json(),
            "numbering_epoch_started": epoch,
            "municipality": municipality.official_name.bg,
            "municipality_version": version,
            "home": str(self.home),
            "keys_created": created,
            "fingerprint": self.identity.public.display_fingerprint,
            "document_key": signer.fingerprint() if signer is not None else None,
            "schema_before": before,
            "schema": current_revision(self.engine),
        }

    def start_epoch_after_restore(self) -> int | None:
        """After ``python -m deploy.backup restore``: open a new numbering epoch, in which no
        number is given until the kiosks have reported (central_api.restore); its number, or
        None when nothing was restored."""
        from .restore import start_after_backup_restore

        return start_after_backup_restore(self.engine, self.home)

    def publish_municipality(self) -> int:
        """Publish central's ``municipality.toml`` if it changed since the last time; the
        version in force (``serve`` calls it before the workers start)."""
        from .catalogues import refill_settlements
        from .db import write
        from .municipality import load_installed, publish_if_changed

        with write(self.engine) as conn:
            version, changed = publish_if_changed(conn, load_installed(self.home))
            if changed and version > 1:  # the settlements may have changed
                refill_settlements(conn)
        return version

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
