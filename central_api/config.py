"""The central office's configuration: the one place that reads the environment.

``load_config()`` gives the defaults overridden by ``CENTRAL_HOME`` and ``DATABASE_URL``;
``create_app(test_config)`` and the CLI both start from it. ``CENTRAL_ARGON2``, the cost of the
password and PIN hashes, is one per process (:mod:`central_api.passwords`, :mod:`sync.hashing`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sync import MAX_BUNDLE_BYTES
from sync.hashing import argon2_parameters

DEFAULT_HOME = "./var/central"
INVITE_VALID_DAYS = 7
RETENTION_DAYS = 30
# A bundle may be 32 MiB; leave room for the HTTP framing around it.
MAX_CONTENT_LENGTH = MAX_BUNDLE_BYTES + 1024 * 1024


def sqlite_url(home: Path) -> str:
    return f"sqlite:///{Path(home).resolve() / 'central.db'}"


def load_config(environ: Mapping[str, str] | None = None, **overrides) -> dict:
    """Defaults, then the environment, then explicit overrides (tests, CLI options)."""
    environ = os.environ if environ is None else environ
    home = Path(overrides.pop("CENTRAL_HOME", None) or environ.get("CENTRAL_HOME") or DEFAULT_HOME)
    config = {
        "CENTRAL_HOME": str(home),
        "DATABASE_URL": environ.get("DATABASE_URL") or sqlite_url(home),
        "INVITE_VALID_DAYS": INVITE_VALID_DAYS,
        "RETENTION_DAYS": RETENTION_DAYS,  # a kiosk's, unless the records schedule says
        # The municipality's records schedule (central_api.retention); default
        # $CENTRAL_HOME/records-schedule.toml.
        "RECORDS_SCHEDULE": environ.get("CENTRAL_RECORDS_SCHEDULE", ""),
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        # Per-kiosk limit on API calls, per minute (0 switches the limit off).
        "KIOSK_RATE_LIMIT": int(environ.get("CENTRAL_KIOSK_RATE_LIMIT", "600")),
        # The reverse proxy (nginx) whose X-Forwarded-For / X-Forwarded-Proto are believed:
        # addresses or networks, comma-separated. A request from anywhere else keeps its own
        # address, whatever headers it carries (central_api.proxy).
        "TRUSTED_PROXIES": _addresses(environ.get("CENTRAL_TRUSTED_PROXIES", "")),
        # Served over HTTPS (the office cookie is then Secure and __Host- prefixed). Default: yes
        # when a trusted proxy is configured, since the shipped nginx terminates TLS.
        "PUBLIC_HTTPS": _flag(environ.get("CENTRAL_HTTPS")),
        # Where the document-signing key lives (central_api.documents.signing): "pem" (a key
        # file, development and demo only) or "pkcs11" (a token: module, token, key label).
        "DOCUMENT_SIGNER": environ.get("CENTRAL_DOCUMENT_SIGNER", "pem"),
        "PKCS11_MODULE": environ.get("CENTRAL_PKCS11_MODULE", ""),
        "PKCS11_TOKEN_LABEL": environ.get("CENTRAL_PKCS11_TOKEN_LABEL", ""),
        "PKCS11_SLOT": environ.get("CENTRAL_PKCS11_SLOT", ""),
        "PKCS11_KEY_LABEL": environ.get("CENTRAL_PKCS11_KEY_LABEL", ""),
        # The RFC 3161 time-stamping authority every signature's time-stamp comes from.
        "TSA_URL": environ.get("CENTRAL_TSA_URL", ""),
        "TSA_TIMEOUT": float(environ.get("CENTRAL_TSA_TIMEOUT", "10")),
        # The TSA's root certificate(s), PEM: what a time-stamped document a kiosk gives back
        # after a restore is checked with (central_api.streams).
        "TSA_ROOTS": environ.get("CENTRAL_TSA_ROOTS", ""),
        # The argon2 cost of office passwords and staff PINs: a profile's name or the numbers
        # (sync.hashing); checked here, so that a wrong value stops every command at start.
        "ARGON2": argon2_parameters(environ.get("CENTRAL_ARGON2"), "CENTRAL_ARGON2"),
    }
    config.update(overrides)
    if config["PUBLIC_HTTPS"] is None:
        config["PUBLIC_HTTPS"] = bool(config["TRUSTED_PROXIES"])
    if "DATABASE_URL" not in overrides and not environ.get("DATABASE_URL"):
        config["DATABASE_URL"] = sqlite_url(Path(config["CENTRAL_HOME"]))
    return config


def _addresses(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _flag(text: str | None) -> bool | None:
    if text is None or not text.strip():
        return None
    return text.strip().lower() in ("1", "yes", "true", "on")
