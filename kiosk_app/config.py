"""The kiosk's configuration: the one place where the environment is read.

``KioskConfig.from_env()`` reads ``KIOSK_HOME`` (default ``./var/kiosk``) and ``KIOSK_PRINTER``
(a CUPS queue name; unset means "print into ``$KIOSK_HOME/printed/``") and
``KIOSK_SENT_BUNDLE_DAYS`` (how long sent bundles are kept after central's receipt, 90) and
``KIOSK_ARGON2`` (the cost of the PIN hashes the kiosk makes itself, :mod:`sync.hashing`; those
central sends are checked at central's cost, which each hash carries). Everything else the
kiosk needs (its id, central's address and pinned key, the catalogue) is learnt at enrollment and
kept in the store, not in the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import Parameters

from sync.files import private_folder
from sync.hashing import DEFAULT_PROFILE, PROFILES, argon2_parameters

DEFAULT_HOME = "./var/kiosk"
SENT_BUNDLE_DAYS = 90


@dataclass(frozen=True)
class KioskConfig:
    home: Path
    printer: str | None = None
    http_timeout: float = 30.0
    # How long a bundle's bytes stay after central's receipt, for a central restored from a
    # backup to have them again (kiosk_app.positions).
    sent_bundle_days: int = SENT_BUNDLE_DAYS
    # The argon2 cost of a PIN hashed here (kiosk_app.pins.provision_staff).
    argon2: Parameters = field(default_factory=lambda: PROFILES[DEFAULT_PROFILE], hash=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KioskConfig:
        env = os.environ if environ is None else environ
        home = Path(env.get("KIOSK_HOME") or DEFAULT_HOME).expanduser()
        printer = (env.get("KIOSK_PRINTER") or "").strip() or None
        days = (env.get("KIOSK_SENT_BUNDLE_DAYS") or "").strip()
        if days and not (days.isdigit() and int(days) >= 1):
            raise ValueError(
                f"KIOSK_SENT_BUNDLE_DAYS={days!r}: give a whole number of days, 1 or more"
            )
        return cls(
            home=home.absolute(),
            printer=printer,
            sent_bundle_days=int(days) if days else SENT_BUNDLE_DAYS,
            argon2=argon2_parameters(env.get("KIOSK_ARGON2"), "KIOSK_ARGON2"),
        )

    @property
    def db_path(self) -> Path:
        return self.home / "kiosk.db"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def documents_dir(self) -> Path:
        return self.home / "documents"

    @property
    def printed_dir(self) -> Path:
        return self.home / "printed"

    @property
    def spool_dir(self) -> Path:
        return self.home / "spool"

    def ensure_home(self) -> None:
        """The home and its folders, private (0700): they hold keys and personal data."""
        for folder in (self.home, self.documents_dir, self.printed_dir, self.spool_dir):
            private_folder(folder)
