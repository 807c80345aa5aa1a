"""The argon2 hasher of office passwords and staff PINs: one per process, with the cost set by
``CENTRAL_ARGON2`` (central's configuration, :mod:`sync.hashing`; RFC 9106's low-memory
profile unless set). Every password and PIN hash central makes comes from here; any hash, made
with whatever parameters, verifies (argon2 reads them from the hash).
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher

from .config import load_config


@functools.cache
def password_hasher() -> PasswordHasher:
    return PasswordHasher.from_parameters(load_config()["ARGON2"])


@functools.cache
def timing_hash() -> str:
    """A hash of no one's password, checked when a name is unknown, so that it costs as long as
    a wrong password does (made on first use: at import it would cost every process)."""
    return password_hasher().hash("not a real password, only for equal timing")
