"""Which key signs the documents, and opening it for a batch of approvals.

Three places a key can live (``CENTRAL_DOCUMENT_SIGNER`` in central's configuration):

``pem``
    A key file central made for itself (:mod:`.keys`): for development and the demo only. It
    carries no legal effect.
``csc``
    A credential at a remote qualified signing service, through the Cloud Signature Consortium
    API (:mod:`.remote`, pyHanko's CSC signer): the service URL, the credential id and, when the
    provider issues one, an OAuth2 token come from the configuration; the clerk authorises each
    batch with the credential's PIN.
``pkcs11``
    A key on a PKCS#11 token — a qualified signature card or an HSM — used through pyHanko's
    :class:`~pyhanko.sign.pkcs11.PKCS11Signer`. The key never leaves the token; the clerk types
    the token's PIN once per batch (:func:`open_signer`), and it is never stored. The module,
    token label (or slot) and key label come from the configuration; the certificate is read from
    the token under the same label.

Whichever it is, every signature carries an RFC 3161 time-stamp from the time-stamping authority
at ``CENTRAL_TSA_URL`` (PAdES B-T); a token-held key refuses to sign without one. When the TSA
cannot be reached the signature fails with :class:`TimestampUnavailableError` and nothing is
issued.

A signer, whatever its kind, offers: ``certificate`` / ``certificate_der()`` /
``certificate_pem()`` / ``fingerprint()``, ``key_id`` (the QR statement's ``kid``),
``sign_es256(data)`` (the QR statement's COSE signature), ``pdf_signer()`` (pyHanko's signer),
``timestamper`` (pyHanko's, or ``None``) and ``run(coroutine)`` (where pyHanko's asynchronous
signing runs: a fresh event loop, or the remote signer's own).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, Mechanism, ObjectClass
from pkcs11 import exceptions as p11_errors
from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session
from pyhanko.sign.timestamps import HTTPTimeStamper

from .errors import (
    SigningDeviceError,
    SigningKeyError,
    TokenLockedError,
    TokenMissingError,
    TokenPinError,
)
from .keys import DocumentSigner, SigningCertificate, key_id_of

KINDS = ("pem", "pkcs11", "csc")
TSA_TIMEOUT_SECONDS = 10
CSC_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SigningSettings:
    """What the configuration says about the document-signing key and the time-stamps."""

    kind: str = "pem"
    pem_folder: Path | None = None
    pkcs11_module: str | None = None
    token_label: str | None = None
    slot: int | None = None
    key_label: str | None = None
    tsa_url: str | None = None
    tsa_timeout: float = TSA_TIMEOUT_SECONDS
    csc_url: str | None = None
    csc_credential_id: str | None = None
    csc_token: str | None = None
    csc_timeout: float = CSC_TIMEOUT_SECONDS

    @classmethod
    def from_config(cls, config: dict, pem_folder: Path) -> SigningSettings:
        kind = (config.get("DOCUMENT_SIGNER") or "pem").lower()
        if kind not in KINDS:
            raise SigningKeyError(
                f"CENTRAL_DOCUMENT_SIGNER={kind!r} is not known: use one of {', '.join(KINDS)}."
            )
        slot = config.get("PKCS11_SLOT")
        settings = cls(
            kind=kind,
            pem_folder=pem_folder,
            pkcs11_module=config.get("PKCS11_MODULE") or None,
            token_label=config.get("PKCS11_TOKEN_LABEL") or None,
            slot=int(slot) if slot not in (None, "") else None,
            key_label=config.get("PKCS11_KEY_LABEL") or None,
            tsa_url=config.get("TSA_URL") or None,
            tsa_timeout=float(config.get("TSA_TIMEOUT") or TSA_TIMEOUT_SECONDS),
            csc_url=config.get("CSC_URL") or None,
            csc_credential_id=config.get("CSC_CREDENTIAL_ID") or None,
            csc_token=config.get("CSC_TOKEN") or None,
            csc_timeout=float(config.get("CSC_TIMEOUT") or CSC_TIMEOUT_SECONDS),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.kind == "csc":
            self._require(
                "a remote signing service (CSC)",
                [
                    name
                    for name, value in (
                        ("CENTRAL_CSC_URL", self.csc_url),
                        ("CENTRAL_CSC_CREDENTIAL_ID", self.csc_credential_id),
                        ("CENTRAL_TSA_URL", self.tsa_url),
                    )
                    if not value
                ],
            )
        if self.kind != "pkcs11":
            return
        missing = [
            name
            for name, value in (
                ("CENTRAL_PKCS11_MODULE", self.pkcs11_module),
                ("CENTRAL_PKCS11_KEY_LABEL", self.key_label),
                ("CENTRAL_TSA_URL", self.tsa_url),
            )
            if not value
        ]
        if self.token_label is None and self.slot is None:
            missing.append("CENTRAL_PKCS11_TOKEN_LABEL (or CENTRAL_PKCS11_SLOT)")
        self._require("a PKCS#11 token", missing)

    @staticmethod
    def _require(what: str, missing: list[str]) -> None:
        if missing:
            raise SigningKeyError(
                f"Signing with {what} needs these settings: {', '.join(missing)}."
            )

    @property
    def needs_pin(self) -> bool:
        """The clerk types a PIN per batch: the token's, or the remote credential's."""
        return self.kind in ("pkcs11", "csc")

    def timestamper(self) -> HTTPTimeStamper | None:
        if not self.tsa_url:
            return None
        return HTTPTimeStamper(self.tsa_url, timeout=self.tsa_timeout)


class TokenSigner(SigningCertificate):
    """The municipality's key on a PKCS#11 token, in a session logged in with the clerk's PIN.

    Made by :func:`open_signer`, which closes the session when the batch ends.
    """

    def __init__(self, session, key_label: str, timestamper: HTTPTimeStamper | None):
        self._session = session
        self._key_label = key_label
        self.timestamper = timestamper
        try:
            stored = next(
                iter(
                    session.get_objects(
                        {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: key_label}
                    )
                )
            )
            self._certificate_der = bytes(stored[Attribute.VALUE])
            self._key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=key_label)
        except (StopIteration, p11_errors.NoSuchKey, p11_errors.MultipleObjectsReturned) as exc:
            raise SigningKeyError(
                f"Токенът няма ключ и сертификат с етикет „{key_label}“: проверете "
                f"CENTRAL_PKCS11_KEY_LABEL. The token holds no key and certificate labelled "
                f"{key_label!r}."
            ) from exc
        self.certificate = x509.load_der_x509_certificate(self._certificate_der)
        self.key_id = key_id_of(self._certificate_der)
        self._pdf_signer = PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=key_label,
            signing_cert=asn1_x509.Certificate.load(self._certificate_der),
            # Cards and SoftHSM sign a digest (CKM_ECDSA); pyHanko hashes first.
            use_raw_mechanism=True,
        )

    def sign_es256(self, data: bytes) -> bytes:
        """ECDSA P-256 over SHA-256 on the token: PKCS#11 answers r || s, as COSE wants it."""
        with _token_errors():
            return self._key.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA)

    def pdf_signer(self) -> PKCS11Signer:
        return self._pdf_signer

    @staticmethod
    def run(coroutine):
        return asyncio.run(coroutine)


@contextlib.contextmanager
def open_signer(
    settings: SigningSettings, pin: str | None = None, pem_signer: DocumentSigner | None = None
) -> Iterator[DocumentSigner | TokenSigner]:
    """The document signer for one approval or batch: for ``pkcs11`` a session on the token
    logged in with ``pin`` (closed afterwards); for ``csc`` the remote credential, each
    signature authorised with ``pin``; for ``pem`` the key file (``pem_signer`` if the caller
    already loaded it)."""
    if settings.kind == "pem":
        signer = pem_signer or DocumentSigner.load_or_create(settings.pem_folder)
        signer.timestamper = settings.timestamper()
        yield signer
        return
    if settings.kind == "csc":
        from .remote import RemoteSigner  # aiohttp and pyHanko's CSC client, only when used

        remote = RemoteSigner(settings, pin)
        try:
            yield remote
        finally:
            remote.close()
        return
    if not pin:
        raise TokenPinError(
            "Въведете ПИН кода на токена за подписване. Enter the signing token's PIN."
        )
    criteria = TokenCriteria(label=settings.token_label) if settings.token_label else None
    with _token_errors():
        session = open_pkcs11_session(
            settings.pkcs11_module, slot_no=settings.slot, token_criteria=criteria, user_pin=pin
        )
    try:
        with _token_errors():
            yield TokenSigner(session, settings.key_label, settings.timestamper())
    finally:
        with contextlib.suppress(p11_errors.PKCS11Error):
            session.close()


@contextlib.contextmanager
def _token_errors() -> Iterator[None]:
    """PKCS#11's exceptions as the documents package's, with what to do (Bulgarian first)."""
    try:
        yield
    except (p11_errors.PinIncorrect, p11_errors.PinInvalid, p11_errors.PinLenRange) as exc:
        raise TokenPinError(
            "Грешен ПИН код на токена за подписване: нищо не е подписано. Въведете го отново "
            "(след няколко грешни опита токенът се заключва). Wrong token PIN: nothing was "
            "signed."
        ) from exc
    except (p11_errors.PinLocked, p11_errors.PinExpired) as exc:
        raise TokenLockedError(
            "Токенът за подписване е заключен (твърде много грешни ПИН кодове): нищо не е "
            "подписано. Отключете го с PUK/SO ПИН на доставчика. The signing token is locked: "
            "nothing was signed; unlock it with the provider's PUK / SO PIN."
        ) from exc
    except (
        p11_errors.TokenNotPresent,
        p11_errors.DeviceRemoved,
        p11_errors.SlotIDInvalid,
        p11_errors.TokenNotRecognised,
    ) as exc:
        raise TokenMissingError(_MISSING) from exc
    except p11_errors.PKCS11Error as exc:
        if "No token" in str(exc):
            raise TokenMissingError(_MISSING) from exc
        raise SigningDeviceError(
            f"Токенът за подписване отказа ({type(exc).__name__}): нищо не е подписано. "
            f"The signing token refused ({type(exc).__name__}): nothing was signed."
        ) from exc
    except (OSError, RuntimeError) as exc:
        raise SigningDeviceError(
            f"Модулът PKCS#11 не може да се зареди ({exc}): проверете CENTRAL_PKCS11_MODULE. "
            f"The PKCS#11 module cannot be loaded: check CENTRAL_PKCS11_MODULE."
        ) from exc


_MISSING = (
    "Токенът за подписване не е намерен: поставете картата или проверете четеца и "
    "CENTRAL_PKCS11_TOKEN_LABEL. Нищо не е подписано. The signing token was not found: insert "
    "the card or check the reader; nothing was signed."
)


def token_certificate_pem(settings: SigningSettings) -> bytes:
    """The certificate on the token, read without logging in (it is public)."""
    criteria = TokenCriteria(label=settings.token_label) if settings.token_label else None
    with _token_errors():
        session = open_pkcs11_session(
            settings.pkcs11_module, slot_no=settings.slot, token_criteria=criteria
        )
        try:
            stored = list(
                session.get_objects(
                    {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: settings.key_label}
                )
            )
            if len(stored) != 1:
                raise SigningKeyError(
                    f"Токенът няма точно един сертификат с етикет „{settings.key_label}“. "
                    f"The token holds no single certificate labelled {settings.key_label!r}."
                )
            der = bytes(stored[0][Attribute.VALUE])
        finally:
            session.close()
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def signing_certificate_pem(settings: SigningSettings) -> bytes:
    """The certificate documents are signed with, read without a PIN: from the token, or from
    the remote signing service's ``credentials/info``."""
    if settings.kind == "csc":
        from .remote import RemoteSigner

        remote = RemoteSigner(settings, None)
        try:
            return remote.certificate_pem()
        finally:
            remote.close()
    return token_certificate_pem(settings)


__all__ = [
    "KINDS",
    "SigningSettings",
    "TokenSigner",
    "open_signer",
    "signing_certificate_pem",
    "token_certificate_pem",
]
