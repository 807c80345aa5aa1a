"""The running central office: its home folder, database engine and bundle identity.

Built once per process from the configuration (``Central.from_config``); the Flask app keeps it
in ``app.extensions["central"]`` and the CLI builds its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from sync import Identity, SyncError
from sync.files import make_tree_private, private_file, private_folder

from .db import make_engine
from .errors import NotInitialisedError

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

    @property
    def document_signer(self):
        """The municipality's document-signing key (central_api.documents), loaded once."""
        if self._document_signer is None:
            from .documents import DocumentSigner  # on first use: pyHanko is slow to load

            self._document_signer = DocumentSigner.load_or_create(self.keys_folder / "documents")
        return self._document_signer

    def initialise(self) -> dict:
        """Create the home and the bundle keys (once), and upgrade the database to the newest
        schema. Safe to run again: keys and data stay."""
        from .db.migrate import current_revision, upgrade

        private_folder(self.home)
        database = Path(self.database_url.removeprefix("sqlite:///"))
        if self.database_url.startswith("sqlite:///") and database.parent.is_dir():
            private_file(database)  # before SQLite makes it: -wal and -shm inherit its mode
        created = False
        if not (self.keys_folder / "signing.pem").exists():
            Identity.generate("central").save(self.keys_folder)
            created = True
        signer = self.document_signer  # made once, here, before any server starts
        before = current_revision(self.engine)
        upgrade(self.engine)
        make_tree_private(self.home)  # keys, the document key, the database: 0600 / 0700
        return {
            "home": str(self.home),
            "keys_created": created,
            "fingerprint": self.identity.public.display_fingerprint,
            "document_key": signer.fingerprint(),
            "schema_before": before,
            "schema": current_revision(self.engine),
        }

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
