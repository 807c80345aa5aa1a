"""Errors of the central office, one tree.

::

    CentralError                    something a person asked for cannot be done
    ├── NotFoundError               no such request, kiosk, user, bundle (404)
    ├── InvalidInputError           the input is malformed or incomplete (400)
    ├── EnrollmentError             invite token unknown, expired or used (403)
    ├── KioskRevokedError           the kiosk was revoked (403)
    ├── WrongKioskError             a kiosk's signed call speaks for another kiosk (403)
    ├── ConflictError               the state does not allow it (409)
    │   ├── IllegalTransitionError  a request cannot go from its state to the one asked
    │   ├── ConcurrentChangeError   someone else changed the request first
    │   ├── FeeDueError             delivery while a fee is still due
    │   ├── FormNotFiledError       delivery before the villager's signed request form is filed
    │   └── ApprovalBlockedError    the register (or a missing attachment) stands against approval
    ├── NotAnOfficialError          the user is not an official and cannot approve (403)
    ├── NotAuthorisedError          the official may not sign this service; says who may (403)
    ├── RateLimitedError            a kiosk calls too often (429)
    ├── DocumentIssueError          the official document could not be made or signed (503)
    │   └── SigningTokenError       the signing token: wrong PIN, locked, missing (code says)
    └── NotInitialisedError         ``central-api init`` has not run (503)

The registers add their own below these (``central_api/registers/errors.py``: a person not
found, a register file refused, a correction refused, heirs of someone not dead).

``code`` is stable (HTTP bodies, logs); ``http_status`` is what the API answers. Errors of the
protocol library (``sync.SyncError``) keep their own codes and statuses.
"""

from __future__ import annotations


class CentralError(Exception):
    code = "central_error"
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFoundError(CentralError):
    code = "not_found"
    http_status = 404


class InvalidInputError(CentralError):
    code = "invalid_input"
    http_status = 400


class EnrollmentError(CentralError):
    code = "enrollment_refused"
    http_status = 403


class KioskRevokedError(CentralError):
    code = "kiosk_revoked"
    http_status = 403


class WrongKioskError(CentralError):
    code = "wrong_kiosk"
    http_status = 403


class ConflictError(CentralError):
    code = "conflict"
    http_status = 409


class IllegalTransitionError(ConflictError):
    code = "illegal_transition"


class ConcurrentChangeError(ConflictError):
    code = "concurrent_change"


class FeeDueError(ConflictError):
    code = "fee_due"


class FormNotFiledError(ConflictError):
    code = "form_not_filed"


class ApprovalBlockedError(ConflictError):
    """Approval refused while something stands against it; ``blocks`` are the reasons, each
    ``{"code", "message": {"bg", "en"}}``. The clerk asks the villager or refuses instead."""

    code = "approval_blocked"

    def __init__(self, message: str, blocks: list[dict] | None = None):
        super().__init__(message)
        self.blocks = list(blocks or [])


class NotAnOfficialError(CentralError):
    code = "not_an_official"
    http_status = 403


class NotAuthorisedError(CentralError):
    code = "not_authorised"
    http_status = 403


class RateLimitedError(CentralError):
    code = "rate_limited"
    http_status = 429


class DocumentIssueError(CentralError):
    code = "document_error"
    http_status = 503

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        if code is not None:  # the documents package's own (timestamp_unavailable, ...)
            self.code = code


class SigningTokenError(DocumentIssueError):
    """The signing token cannot be used; ``code`` is the documents package's (``token_pin``,
    ``token_locked``, ``token_missing``, ``signing_device``). Nothing was signed."""

    def __init__(self, message: str, code: str = "signing_device", http_status: int = 503):
        super().__init__(message, code)
        self.http_status = http_status


class NotInitialisedError(CentralError):
    code = "not_initialised"
    http_status = 503
