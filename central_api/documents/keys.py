"""The municipality's document-signing key and its self-signed certificate.

One ECDSA P-256 key (accepted by common PDF readers and by COSE as ES256) signs both the PDF
(PAdES) and the QR statement (COSE_Sign1). It is created once under the folder given (normally
``$CENTRAL_HOME/keys/documents/``), then loaded once per process and kept in memory: re-reading
and parsing a key per document was most of the signing time measured on this machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import fcntl
import hashlib
import os
import pathlib

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import SigningKeyError

KEY_FILE = "document-signing-key.pem"
CERTIFICATE_FILE = "document-signing-certificate.pem"
# Central names its key after the municipality in its profile; this name is only for keys made
# in memory without one (tests).
DEFAULT_ORGANISATION = "Document signing"
CERTIFICATE_YEARS = 10


def key_id_of(certificate_der: bytes) -> bytes:
    """The COSE ``kid`` of a certificate: the first 8 bytes of its SHA-256 (as the EU DCC does)."""
    return hashlib.sha256(certificate_der).digest()[:8]


class SigningCertificate:
    """What every signer (key file, token, remote service) tells of its certificate; set
    ``certificate`` (cryptography's) and ``_certificate_der`` in ``__init__``."""

    certificate: x509.Certificate
    _certificate_der: bytes

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def certificate_der(self) -> bytes:
        return self._certificate_der

    def fingerprint(self) -> str:
        """SHA-256 of the certificate, hex, in pairs: what to read out when publishing the key."""
        digest = hashlib.sha256(self._certificate_der).hexdigest().upper()
        return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


class DocumentSigner(SigningCertificate):
    """The key and certificate that sign official documents, loaded once and held in memory."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate):
        if not isinstance(private_key, ec.EllipticCurvePrivateKey) or not isinstance(
            private_key.curve, ec.SECP256R1
        ):
            raise SigningKeyError(
                "The document-signing key must be an ECDSA P-256 key. "
                "Create a new one with `central-api keys rotate` or restore the right file."
            )
        if certificate.public_key().public_numbers() != private_key.public_key().public_numbers():
            raise SigningKeyError(
                "The document-signing certificate does not belong to the key beside it. "
                "Restore both files from the same backup."
            )
        self.private_key = private_key
        self.certificate = certificate
        self._certificate_der = certificate.public_bytes(serialization.Encoding.DER)
        self.key_id = key_id_of(self._certificate_der)
        self._pdf_signer = None
        # pyHanko's RFC 3161 client for the configured authority (documents.signing sets it).
        self.timestamper = None

    # -- loading ------------------------------------------------------------------------------

    @classmethod
    def load_or_create(
        cls, folder: pathlib.Path, organisation: str = DEFAULT_ORGANISATION, locality: str = ""
    ) -> DocumentSigner:
        """Load the key and certificate under ``folder``; create them the first time.

        Two processes starting at once must not make two different keys: creation happens under an
        exclusive lock on ``folder/.lock`` and the files appear by atomic rename.
        """
        folder = pathlib.Path(folder)
        key_path, certificate_path = folder / KEY_FILE, folder / CERTIFICATE_FILE
        if not (key_path.exists() and certificate_path.exists()):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with _exclusive_lock(folder / ".lock"):
                    if not key_path.exists() and not certificate_path.exists():
                        cls._create_files(folder, organisation, locality)
            except OSError as exc:
                raise SigningKeyError(
                    f"Could not create the document-signing key in {folder}: {exc.strerror}. "
                    "Check that the folder is writable and the disk is not full."
                ) from exc
        return cls.load(folder)

    @staticmethod
    def exists_in(folder: pathlib.Path) -> bool:
        folder = pathlib.Path(folder)
        return (folder / KEY_FILE).exists() and (folder / CERTIFICATE_FILE).exists()

    @classmethod
    def load(cls, folder: pathlib.Path) -> DocumentSigner:
        folder = pathlib.Path(folder)
        try:
            key_pem = (folder / KEY_FILE).read_bytes()
            certificate_pem = (folder / CERTIFICATE_FILE).read_bytes()
        except FileNotFoundError as exc:
            raise SigningKeyError(
                f"The document-signing key or certificate is missing from {folder}. Restore both "
                "files from backup; a new key would make every issued document unverifiable "
                "with the published certificate."
            ) from exc
        try:
            private_key = serialization.load_pem_private_key(key_pem, password=None)
            certificate = x509.load_pem_x509_certificate(certificate_pem)
        except ValueError as exc:
            raise SigningKeyError(
                f"The document-signing key or certificate in {folder} is damaged ({exc}). "
                "Restore both files from backup."
            ) from exc
        return cls(private_key, certificate)

    @classmethod
    def generate(
        cls, organisation: str = DEFAULT_ORGANISATION, locality: str = ""
    ) -> DocumentSigner:
        """A new key and self-signed certificate, in memory only (tests, key rotation).

        The certificate's subject is ``organisation`` (the municipality's official name) in
        ``locality`` (its centre), both from the municipality profile."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        return cls(private_key, _self_signed_certificate(private_key, organisation, locality))

    @classmethod
    def _create_files(cls, folder: pathlib.Path, organisation: str, locality: str) -> None:
        signer = cls.generate(organisation, locality)
        key_pem = signer.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_atomically(folder / KEY_FILE, key_pem, mode=0o600)
        _write_atomically(folder / CERTIFICATE_FILE, signer.certificate_pem(), mode=0o644)

    # -- what others need ---------------------------------------------------------------------

    def sign_es256(self, data: bytes) -> bytes:
        """An ECDSA P-256 / SHA-256 signature as COSE wants it: r || s, 32 bytes each."""
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        r, s = decode_dss_signature(self.private_key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    @staticmethod
    def run(coroutine):
        """Where pyHanko's asynchronous signing runs: a fresh event loop per document."""
        return asyncio.run(coroutine)

    def pdf_signer(self) -> signers.SimpleSigner:
        """pyHanko's signer over the in-memory key, built once."""
        if self._pdf_signer is None:
            key_der = self.private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            certificate = asn1_x509.Certificate.load(self._certificate_der)
            self._pdf_signer = signers.SimpleSigner(
                signing_cert=certificate,
                signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
                cert_registry=SimpleCertificateStore.from_certs([certificate]),
            )
        return self._pdf_signer


def _self_signed_certificate(
    private_key: ec.EllipticCurvePrivateKey, organisation: str, locality: str = ""
) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BG"),
            *([x509.NameAttribute(NameOID.LOCALITY_NAME, locality)] if locality else []),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Официални документи"),
            x509.NameAttribute(NameOID.COMMON_NAME, organisation),
        ]
    )
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    public_key = private_key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * CERTIFICATE_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(private_key, hashes.SHA256())
    )


@contextlib.contextmanager
def _exclusive_lock(path: pathlib.Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomically(path: pathlib.Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
