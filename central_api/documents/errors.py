"""Errors of the official-documents package, one tree (drawn in ``central_api.documents``).

Every message says what happened and what the person reading it can do. ``code`` is a stable
identifier for HTTP error bodies and logs; ``http_status`` is what the API answers with.
"""

from __future__ import annotations


class DocumentError(Exception):
    code = "document_error"
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SigningKeyError(DocumentError):
    code = "document_key"
    http_status = 500


class SigningDeviceError(SigningKeyError):
    """The PKCS#11 token (card, HSM) cannot be used; nothing was signed."""

    code = "signing_device"
    http_status = 503


class TokenPinError(SigningDeviceError):
    code = "token_pin"
    http_status = 403


class TokenLockedError(SigningDeviceError):
    code = "token_locked"
    http_status = 403


class TokenMissingError(SigningDeviceError):
    code = "token_missing"


class RemoteSigningError(SigningDeviceError):
    """The remote signing service (CSC API) could not be reached or failed."""

    code = "remote_signing"


class RemoteAuthorisationError(SigningDeviceError):
    """The remote signing service refused to authorise the signature (PIN, one-time code)."""

    code = "remote_authorisation"
    http_status = 403


class TimestampUnavailableError(DocumentError):
    """The time-stamping authority did not answer: the document is not signed."""

    code = "timestamp_unavailable"
    http_status = 503


class DocumentFormatError(DocumentError):
    code = "document_format"


class SignatureInvalidError(DocumentError):
    code = "signature_invalid"


class DraftDocumentError(SignatureInvalidError):
    code = "document_is_draft"


class StatementInvalidError(DocumentError):
    code = "statement_invalid"


class StatementFormatError(StatementInvalidError):
    code = "statement_format"


class StatementSignatureError(StatementInvalidError):
    code = "statement_signature"


class DocumentMismatchError(DocumentError):
    code = "document_mismatch"


class DocumentRevokedError(DocumentError):
    code = "document_revoked"
    http_status = 410

    def __init__(self, message: str, number: str = "", reason: str = ""):
        super().__init__(message)
        self.number = number
        self.reason = reason
