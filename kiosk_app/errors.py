"""Errors of the kiosk application, one tree.

::

    KioskError
    ├── NotEnrolledError          the kiosk has no identity yet: run `kiosk-app enroll`
    ├── AlreadyEnrolledError      enrolling twice would orphan the queued requests
    ├── EnrollmentError           central's answer to enrollment is unusable
    ├── UnknownServiceError       no such service in the catalogue
    ├── InvalidRequestError       the fields do not satisfy the service (``problems`` lists why)
    ├── UnknownReferenceError     no request with this reference at this kiosk
    ├── NotAllowedError           the action is refused in the request's current state
    ├── DocumentError             an issued document is damaged or missing
    ├── StoreError                the local database failed (locked, or another failure)
    │   ├── StoreMissingError     kiosk.db is gone while the kiosk's keys are there: recover
    │   ├── StoreDamagedError     kiosk.db is not a sound database: check --store, recover
    │   └── StoreBehindError      kiosk.db is an older copy put back: recover
    └── DiskFullError             the kiosk's disk is full (a write of the store or of a file)

Protocol and transport failures stay :class:`sync.errors.SyncError`; callers catch both.
Each message says what happened and what a person can do.
"""

from __future__ import annotations

import contextlib
import errno


class KioskError(Exception):
    code = "kiosk_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotEnrolledError(KioskError):
    code = "not_enrolled"


class AlreadyEnrolledError(KioskError):
    code = "already_enrolled"


class EnrollmentError(KioskError):
    code = "enrollment_failed"


class UnknownServiceError(KioskError):
    code = "unknown_service"


class InvalidRequestError(KioskError):
    """``problems`` holds objects with ``field``, ``code`` and ``message`` ({"bg", "en"})."""

    code = "invalid_request"

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class UnknownReferenceError(KioskError):
    code = "unknown_reference"


class NotAllowedError(KioskError):
    code = "not_allowed"


class FeeDueError(NotAllowedError):
    """The document cannot be handed over while its fee is due."""

    code = "fee_due"


class IdentityCheckNeededError(NotAllowedError):
    """A request made without staff: its hand-over needs the identity card's number."""

    code = "identity_check_needed"


class HandoverReportedError(NotAllowedError):
    """A hand-over already sealed into a bundle for central: the kiosk cannot take it back."""

    code = "handover_reported"


class DocumentError(KioskError):
    code = "document_error"


class StoreError(KioskError):
    code = "store_error"


class StoreMissingError(StoreError):
    code = "store_missing"


class StoreDamagedError(StoreError):
    code = "store_damaged"


class StoreBehindError(StoreError):
    code = "store_behind"


DISK_FULL_MESSAGE = (
    "Дискът на киоска е пълен — освободете място или се обадете на поддръжката. / "
    "The kiosk's disk is full — free space or call support."
)


class DiskFullError(KioskError):
    """No space left: nothing half-written was kept, nothing confirmed is lost; try again once
    there is space (the sync loop does so by itself, with backoff)."""

    code = "disk_full"

    def __init__(self, message: str = DISK_FULL_MESSAGE):
        super().__init__(message)


DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


@contextlib.contextmanager
def writing(what: str):
    """A block that writes a file of the kiosk's own: a full disk becomes
    :class:`DiskFullError`, another failure a :class:`DocumentError` naming ``what``."""
    try:
        yield
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            raise DiskFullError() from exc
        raise DocumentError(
            f"Could not write {what} ({exc.strerror or exc}): check that the kiosk's folder "
            "is writable; call support if it stays so."
        ) from exc
