"""Remote qualified signing through the Cloud Signature Consortium (CSC) API, with pyHanko's
:class:`~pyhanko.sign.signers.csc_signer.CSCSigner` — how Bulgarian trust service providers
offer remote signing (the key stays in the provider's QSCD; the signer authorises its use).

One :class:`RemoteSigner` per approval or batch (:func:`central_api.documents.open_signer`):

- ``credentials/info`` gives the credential's certificate (and chain) and its algorithms;
- every signature — the PDF's and the QR statement's (COSE ES256) — is authorised by
  ``credentials/authorize`` with the PIN the clerk typed for the batch (sent as the CSC
  ``PIN``; with the hash bound to it when the service requires it, SCAL 2), then made by
  ``signatures/signHash``;
- an OAuth2 bearer token for the service (``CENTRAL_CSC_TOKEN``), when the provider issues
  one to the municipality, goes with every call.

pyHanko's CSC client is asynchronous (aiohttp): the batch has its own event loop, on which the
HTTP session lives and every signature of the batch runs (:meth:`RemoteSigner.run`).
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)

from .errors import RemoteAuthorisationError, RemoteSigningError
from .keys import SigningCertificate, key_id_of

# What the provider's answer to credentials/authorize means when it refuses.
REFUSED = (400, 401, 403)


class PinAuthorisation(CSCAuthorizationManager):
    """Signature activation data for each signature, from ``credentials/authorize`` with the
    PIN typed for this batch (kept in memory for the batch only)."""

    def __init__(self, session_info, credential_info, session, pin, timeout: float):
        super().__init__(session_info, credential_info)
        self._session = session
        self._pin = pin
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        pinned = hash_b64s if self.credential_info.hash_pinning_required else None
        body = self.format_csc_auth_request(
            num_signatures=len(hash_b64s), pin=self._pin, hash_b64s=pinned
        )
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        try:
            async with self._session.post(
                url, headers=self.auth_headers, json=body, timeout=self._timeout
            ) as response:
                if response.status in REFUSED:
                    raise RemoteAuthorisationError(_REFUSED)
                response.raise_for_status()
                answer = await response.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SigningError("credentials/authorize failed") from exc
        return self.parse_csc_auth_response(answer)


class RemoteSigner(SigningCertificate):
    """The municipality's (or the official's) credential at a remote signing service."""

    def __init__(self, settings, pin: str | None):
        self.timestamper = settings.timestamper()
        self._loop = asyncio.new_event_loop()
        self._session: aiohttp.ClientSession | None = None
        try:
            self._session = self._loop.run_until_complete(_new_session())
            session_info = CSCServiceSessionInfo(
                settings.csc_url.rstrip("/"),
                settings.csc_credential_id,
                oauth_token=settings.csc_token,
            )
            credential = self.run(
                fetch_certs_in_csc_credential(
                    self._session, session_info, timeout=int(settings.csc_timeout)
                )
            )
            authorisation = PinAuthorisation(
                session_info, credential, self._session, pin, settings.csc_timeout
            )
            self._pdf_signer = CSCSigner(
                self._session, authorisation, sign_timeout=int(settings.csc_timeout)
            )
        except BaseException:
            self.close()
            raise
        self._certificate_der = credential.signing_cert.dump()
        self.certificate = x509.load_der_x509_certificate(self._certificate_der)
        self.key_id = key_id_of(self._certificate_der)

    def run(self, coroutine):
        """Run pyHanko's coroutine on this batch's loop; the service's failures as ours."""
        try:
            return self._loop.run_until_complete(coroutine)
        except SigningError as exc:
            if isinstance(exc.__cause__, RemoteAuthorisationError):
                raise exc.__cause__ from exc
            if isinstance(exc.__cause__, (aiohttp.ClientError, TimeoutError)):
                raise RemoteSigningError(_UNREACHABLE.format(exc=exc.__cause__)) from exc
            raise

    def close(self) -> None:
        if self._session is not None:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                self._loop.run_until_complete(self._session.close())
        self._loop.close()

    def sign_es256(self, data: bytes) -> bytes:
        """ECDSA P-256 over SHA-256 by the service (signHash of the digest), as r || s."""
        der = self.run(self._pdf_signer.async_sign_raw(data, "sha256"))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def pdf_signer(self) -> CSCSigner:
        return self._pdf_signer


async def _new_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


_REFUSED = (
    "Услугата за отдалечено подписване отказа упълномощаването: проверете ПИН кода (или "
    "еднократния код) на подписа и опитайте отново. Нищо не е подписано. The remote signing "
    "service refused the authorisation: check the PIN or one-time code; nothing was signed."
)
_UNREACHABLE = (
    "Услугата за отдалечено подписване (CSC) не отговаря: нищо не е подписано. Опитайте отново "
    "след малко; ако не минава, проверете CENTRAL_CSC_URL и връзката. The remote signing "
    "service (CSC) did not answer ({exc}): nothing was signed."
)
