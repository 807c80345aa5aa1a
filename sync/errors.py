"""Errors of the bundle protocol, one tree.

::

    SyncError
    ├── BundleFormatError            the bytes are not a well-formed bundle or receipt
    │   ├── TruncatedBundleError
    │   ├── NotABundleError
    │   ├── UnsupportedVersionError
    │   ├── MalformedBundleError
    │   ├── BundleTooLargeError
    │   ├── TooManyRecordsError
    │   └── DecompressedTooLargeError
    ├── TrustError                   the bytes are well formed but must not be believed
    │   ├── UnknownSenderError
    │   ├── RevokedSenderError
    │   ├── BadSignatureError
    │   ├── WrongRecipientError
    │   ├── DecryptionError
    │   └── UnauthenticatedRequestError  an API call not signed by a known kiosk (401)
    │       ├── StaleRequestError        its time is too far from central's clock
    │       └── ReplayedRequestError     its nonce was already used
    ├── SequenceError                the bundle does not fit the stream we hold
    │   ├── SequenceConflictError
    │   ├── SequenceGapError
    │   └── ChainBrokenError
    ├── ReceiptError                 a receipt that does not prove delivery
    │   └── NotAReceiptError
    └── TransportError               moving the bytes failed; nothing was lost
        ├── CentralUnreachableError
        └── RemoteRejectedError

Each message says what happened and what a person can do. ``code`` is a stable identifier used in
HTTP error bodies and logs.
"""

from __future__ import annotations


class SyncError(Exception):
    code = "sync_error"
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BundleFormatError(SyncError):
    code = "bundle_format"


class TruncatedBundleError(BundleFormatError):
    code = "bundle_truncated"


class NotABundleError(BundleFormatError):
    code = "not_a_bundle"


class UnsupportedVersionError(BundleFormatError):
    code = "unsupported_version"


class MalformedBundleError(BundleFormatError):
    code = "bundle_malformed"


class BundleTooLargeError(BundleFormatError):
    code = "bundle_too_large"
    http_status = 413


class TooManyRecordsError(BundleFormatError):
    code = "too_many_records"
    http_status = 413


class DecompressedTooLargeError(BundleFormatError):
    code = "decompressed_too_large"
    http_status = 413


class TrustError(SyncError):
    code = "untrusted"
    http_status = 403


class UnknownSenderError(TrustError):
    code = "unknown_sender"


class RevokedSenderError(TrustError):
    code = "revoked_sender"


class BadSignatureError(TrustError):
    code = "bad_signature"


class WrongRecipientError(TrustError):
    code = "wrong_recipient"


class DecryptionError(TrustError):
    code = "decryption_failed"


class UnauthenticatedRequestError(TrustError):
    code = "unauthenticated"
    http_status = 401


class StaleRequestError(UnauthenticatedRequestError):
    code = "stale_request"


class ReplayedRequestError(UnauthenticatedRequestError):
    code = "replayed_request"


class SequenceError(SyncError):
    code = "sequence"
    http_status = 409


class SequenceConflictError(SequenceError):
    code = "sequence_conflict"


class SequenceGapError(SequenceError):
    code = "sequence_gap"

    def __init__(self, message: str, expected: int = 0, received: int = 0):
        super().__init__(message)
        self.expected = expected
        self.received = received


class ChainBrokenError(SequenceError):
    code = "chain_broken"


class ReceiptError(SyncError):
    code = "bad_receipt"
    http_status = 400


class NotAReceiptError(ReceiptError):
    code = "not_a_receipt"


class TransportError(SyncError):
    code = "transport"
    http_status = 502


class CentralUnreachableError(TransportError):
    code = "central_unreachable"


class RemoteRejectedError(TransportError):
    """Central answered with a JSON error; ``remote_code`` is its code."""

    code = "remote_rejected"

    def __init__(self, message: str, remote_code: str = "", status: int = 0):
        super().__init__(message)
        self.remote_code = remote_code
        self.status = status
