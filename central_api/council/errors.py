"""Errors of the council, a branch of the central office's tree (:mod:`central_api.errors`).

::

    CouncilError (CentralError)     something asked of the council cannot be done
    ├── CouncilNotFoundError        no such councillor, session, item or vote (404)
    ├── CouncilInputError           the input is malformed or incomplete (400)
    ├── VoteRefusedError            the hall's state does not allow it (409): a second vote, a
    │                               vote after the close, a declared conflict, not registered
    │                               present, no vote open
    └── CouncilSigningError         the protocol or decision could not be signed (the TSA did
                                    not answer, the key is unusable): nothing was kept (503)

A token that cannot be opened (wrong PIN, locked, missing) is central's ``SigningTokenError``,
raised by ``Central.open_signer`` before anything is made.

Every message is Bulgarian first, then English, and says what to do.
"""

from __future__ import annotations

from ..errors import CentralError


class CouncilError(CentralError):
    code = "council_error"
    http_status = 400


class CouncilNotFoundError(CouncilError):
    code = "council_not_found"
    http_status = 404


class CouncilInputError(CouncilError):
    code = "council_invalid_input"
    http_status = 400


class VoteRefusedError(CouncilError):
    code = "vote_refused"
    http_status = 409


class CouncilSigningError(CouncilError):
    """``code`` is the documents package's (``timestamp_unavailable``, ``signing_key``...)."""

    http_status = 503

    def __init__(self, message: str, code: str = "council_signing"):
        super().__init__(message)
        self.code = code
