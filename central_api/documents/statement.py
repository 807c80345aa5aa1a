"""The QR statement: a compact signed statement of an official document.

Form (modelled on the EU digital COVID certificate's ``HC1:``)::

    "LKV1:" + base45( zlib( CBOR tag 18 COSE_Sign1 [protected, {}, payload, signature] ) )

- protected header: ``{1: -7, 4: kid}`` (alg ES256, kid = first 8 bytes of SHA-256 of the
  signing certificate's DER);
- payload: a CBOR map ``{"v": 1, "n": number, "d": "YYYY-MM-DD", "s": service id,
  "i": holder's initials, "h": SHA-256 of the document content (32 bytes), "c": the
  document's random verification code}`` (``c`` is absent from statements made before it);
- signature: ES256 (ECDSA P-256, SHA-256) as raw ``r || s`` over the RFC 9052 Sig_structure
  ``["Signature1", protected, b"", payload]``.

The COSE_Sign1 structure is built by hand with cbor2 and cryptography: pycose, the usual library,
is unmaintained, and one structure with one algorithm is a few lines.
"""

from __future__ import annotations

import binascii
import datetime
import secrets
import zlib
from collections.abc import Mapping

import base45
import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .errors import DocumentFormatError, StatementFormatError, StatementSignatureError
from .keys import DocumentSigner, key_id_of

PREFIX = "LKV1:"
STATEMENT_VERSION = 1
COSE_SIGN1_TAG = 18
COSE_HEADER_ALG = 1
COSE_HEADER_KID = 4
COSE_ALG_ES256 = -7
MAX_STATEMENT_CHARS = 4000  # a QR code holds at most 4,296 alphanumeric characters
# Crockford's base32: no I, L, O or U, so a code read off paper is typed without confusion.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 random bits: guessing one for a known number is hopeless at any rate
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def new_verification_code() -> str:
    """A document's random verification code (printed on it and carried by its statement)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """A code as typed (lower case, spaces, dashes, O for 0, I or L for 1) as it was issued."""
    return (text or "").strip().upper().translate(_READ_AS)[:32]


def make_statement(
    signer: DocumentSigner,
    *,
    number: str,
    issued_on: datetime.date,
    service_id: str,
    initials: str,
    content_sha256: str,
    code: str = "",
) -> str:
    """The QR text for a document, signed with the municipality's key; ``code`` is its
    verification code (:func:`new_verification_code`)."""
    protected = cbor2.dumps({COSE_HEADER_ALG: COSE_ALG_ES256, COSE_HEADER_KID: signer.key_id})
    payload = cbor2.dumps(
        {
            "v": STATEMENT_VERSION,
            "n": number,
            "d": issued_on.isoformat(),
            "s": str(service_id),
            "i": initials,
            "h": bytes.fromhex(content_sha256),
        }
        | ({"c": code} if code else {})
    )
    signature = signer.sign_es256(_sig_structure(protected, payload))
    sign1 = cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature])
    compressed = zlib.compress(cbor2.dumps(sign1), 9)
    return PREFIX + base45.b45encode(compressed).decode("ascii")


def verify_statement(text: str, certificate_pem: bytes) -> dict:
    """Check a scanned QR text against the published certificate; return what it states.

    Returns ``{"version", "number", "issued_on" (date), "service", "initials", "content_sha256"
    (hex), "code" (the verification code, "" in older statements), "key_id" (hex)}``. Raises :class:`StatementFormatError` when the text is not a statement
    and :class:`StatementSignatureError` when it was not signed by this certificate or was altered.
    """
    certificate = _load_certificate(certificate_pem)
    protected, payload, signature = _decode(text)
    header = _cbor_map(protected, "protected header")
    if header.get(COSE_HEADER_ALG) != COSE_ALG_ES256:
        raise StatementFormatError(
            "The QR code uses a signature algorithm we do not issue (only ES256). "
            "It was not made by the municipality; ask the office to check the paper."
        )
    key_id = header.get(COSE_HEADER_KID)
    certificate_der = certificate.public_bytes(serialization.Encoding.DER)
    if key_id is not None and key_id != key_id_of(certificate_der):
        raise StatementSignatureError(
            "The QR code was signed with a different key than the certificate given. "
            "Check with the municipality's current published certificate "
            "(`central-api keys show --pem`)."
        )
    if not isinstance(signature, bytes) or len(signature) != 64:
        raise StatementFormatError("The QR code's signature has the wrong size; scan it again.")
    public_key = certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise StatementSignatureError("The certificate given is not an ECDSA certificate.")
    der_signature = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public_key.verify(
            der_signature, _sig_structure(protected, payload), ec.ECDSA(hashes.SHA256())
        )
    except InvalidSignature as exc:
        raise StatementSignatureError(
            "The QR code's signature does not match: the statement was altered or not issued by "
            "the municipality. Do not accept this document; ask the office to check it."
        ) from exc
    return _claims(_cbor_map(payload, "payload"), key_id)


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def _decode(text: str) -> tuple[bytes, bytes, bytes]:
    text = (text or "").strip()
    if not text.startswith(PREFIX):
        raise StatementFormatError(
            f"This is not a municipality document code: it must start with {PREFIX!r}. "
            "Scan the QR code at the bottom of the certificate."
        )
    if len(text) > MAX_STATEMENT_CHARS:
        raise StatementFormatError("The QR text is far too long to be a document statement.")
    try:
        compressed = base45.b45decode(text[len(PREFIX) :])
    except (ValueError, binascii.Error) as exc:
        raise StatementFormatError(
            "The QR text is damaged (not valid base45). Scan it again, holding the paper flat."
        ) from exc
    try:
        decompressor = zlib.decompressobj()
        raw = decompressor.decompress(compressed, 16 * 1024)
        if decompressor.unconsumed_tail or not decompressor.eof:
            raise zlib.error("truncated or oversized")
    except zlib.error as exc:
        raise StatementFormatError(
            "The QR text is damaged (it does not decompress). Scan it again."
        ) from exc
    try:
        decoded = cbor2.loads(raw)
    except (cbor2.CBORDecodeError, ValueError, TypeError) as exc:
        raise StatementFormatError("The QR text is damaged (not a COSE structure).") from exc
    if isinstance(decoded, cbor2.CBORTag):
        if decoded.tag != COSE_SIGN1_TAG:
            raise StatementFormatError("The QR text holds a COSE structure other than Sign1.")
        decoded = decoded.value
    if (
        not isinstance(decoded, (list, tuple))  # cbor2 decodes arrays inside tags as tuples
        or len(decoded) != 4
        or not isinstance(decoded[0], bytes)
        or not isinstance(decoded[1], Mapping)
        or not isinstance(decoded[2], bytes)
        or not isinstance(decoded[3], bytes)
    ):
        raise StatementFormatError("The QR text is not a COSE_Sign1 statement.")
    return decoded[0], decoded[2], decoded[3]


def _cbor_map(data: bytes, what: str) -> dict:
    try:
        value = cbor2.loads(data)
    except (cbor2.CBORDecodeError, ValueError, TypeError) as exc:
        raise StatementFormatError(f"The QR statement's {what} is not valid CBOR.") from exc
    if not isinstance(value, dict):
        raise StatementFormatError(f"The QR statement's {what} is not a map.")
    return value


def _claims(payload: dict, key_id) -> dict:
    if payload.get("v") != STATEMENT_VERSION:
        raise StatementFormatError(
            f"The QR statement has version {payload.get('v')!r}; this program reads version "
            f"{STATEMENT_VERSION}. Update the verifying program."
        )
    try:
        issued_on = datetime.date.fromisoformat(payload["d"])
        digest = payload["h"]
        if not isinstance(digest, bytes) or len(digest) != 32:
            raise ValueError("hash")
        claims = {
            "version": STATEMENT_VERSION,
            "number": str(payload["n"]),
            "issued_on": issued_on,
            "service": str(payload["s"]),
            "initials": str(payload.get("i", "")),
            "content_sha256": digest.hex(),
            "code": str(payload.get("c", "")),
            "key_id": key_id.hex() if isinstance(key_id, bytes) else None,
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise StatementFormatError(
            "The QR statement is signed but lacks a field it must have (number, date, service "
            "or content hash)."
        ) from exc
    return claims


def _load_certificate(certificate_pem: bytes) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(certificate_pem)
    except (ValueError, TypeError) as exc:
        raise DocumentFormatError(
            "The certificate given is not a PEM certificate. Get it with "
            "`central-api keys show --pem`."
        ) from exc
