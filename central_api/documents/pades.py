"""PAdES signing and checking of issued PDFs, with pyHanko.

Signing: PAdES (``/ETSI.CAdES.detached``), ECDSA P-256 with SHA-256, field ``Signature1``, as
an incremental update over the reportlab output; baseline B-T — with an RFC 3161 signature
time-stamp from the signer's time-stamping authority — whenever one is configured (always, for a
key on a token: :mod:`.signing`). The QR statement is also
written into the PDF's document information (``/Keywords``) before signing, so the signature
covers it and :func:`verify_pdf` can read it back without decoding the QR image.

Checking: the signature must be cryptographically valid, the signed bytes intact, the signature
must cover the whole file (nothing appended after signing), the signer must be the certificate
given, and the statement inside must verify with that same certificate and name the same number.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from .errors import (
    DocumentFormatError,
    DraftDocumentError,
    SignatureInvalidError,
    StatementInvalidError,
    TimestampUnavailableError,
)
from .statement import PREFIX, verify_statement

FIELD_NAME = "Signature1"
DRAFT_KEYWORD = "LKV-DRAFT"
SIGNATURE_BYTES_RESERVED = 8192  # room in the file: hex digits, 2 per CMS byte
TIMESTAMPED_BYTES_RESERVED = 24576  # the time-stamp token adds the TSA's certificates


@dataclass(frozen=True)
class VerificationResult:
    """What a successful check of a PDF established."""

    number: str
    issued_on: datetime.date
    service: str
    initials: str
    content_sha256: str
    statement: str
    signer: str
    signed_at: datetime.datetime | None
    sha256: str
    valid: bool = True
    intact: bool = True
    timestamped: bool = False  # signed_at is then the TSA's time, not the signer's clock


def sign_pdf(signer, pdf: bytes, *, location: str = "", reason: str = "") -> bytes:
    """Add the municipality's PAdES signature to ``pdf`` (time-stamped by ``signer.timestamper``
    when it has one); return the signed bytes. Raises :class:`TimestampUnavailableError` when
    the time-stamping authority does not answer."""
    try:
        return _sign(signer, pdf, location, reason)
    except TimestampRequestError as exc:
        url = signer.timestamper.url
        raise TimestampUnavailableError(
            f"Сървърът за удостоверяване на времето (TSA) {url} не отговаря: документът не е "
            "подписан, номериран, нито изпратен. Опитайте отново след малко; ако не минава, "
            "проверете връзката и настройката CENTRAL_TSA_URL. The time-stamping authority did "
            f"not answer ({exc}): nothing was signed, numbered or sent; try again shortly."
        ) from exc


def _sign(signer, pdf: bytes, location: str, reason: str) -> bytes:
    timestamper = signer.timestamper
    reserved = TIMESTAMPED_BYTES_RESERVED if timestamper else SIGNATURE_BYTES_RESERVED
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        location=location or None,
        reason=reason or None,
    )
    output = io.BytesIO()
    try:
        # Reserving the space up front saves pyHanko a dry-run signature to measure it: half
        # the signing time. Our CMS blob is ~2 KB (4 KB as hex); should it outgrow the room, we sign again the slow way.
        signer.run(
            signers.async_sign_pdf(
                writer,
                metadata,
                signer=signer.pdf_signer(),
                timestamper=timestamper,
                output=output,
                bytes_reserved=reserved,
            )
        )
    except SigningError:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        output = io.BytesIO()
        signer.run(
            signers.async_sign_pdf(
                writer, metadata, signer=signer.pdf_signer(), timestamper=timestamper, output=output
            )
        )
    return output.getvalue()


def verify_pdf(
    pdf_bytes: bytes, certificate_pem: bytes, timestamp_roots_pem: bytes | None = None
) -> VerificationResult:
    """Check an issued PDF offline with the published certificate.

    A time-stamped signature (PAdES B-T) is valid only with its time-stamp: the time-stamping
    authority's root certificate(s) come in ``timestamp_roots_pem`` (PEM, one or more).

    Raises :class:`DraftDocumentError` for a draft preview, :class:`SignatureInvalidError` when the
    signature is missing, broken, not the municipality's, or the file was changed after signing,
    :class:`StatementInvalidError` when the statement inside does not verify, and
    :class:`DocumentFormatError` when the bytes are not a readable PDF.
    """
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem)
    except (ValueError, TypeError) as exc:
        raise DocumentFormatError(
            "The certificate given is not a PEM certificate. Get the municipality's certificate "
            "with `central-api keys show --pem`."
        ) from exc
    trusted = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    timestamp_roots = [
        asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
        for root in (
            x509.load_pem_x509_certificates(timestamp_roots_pem) if timestamp_roots_pem else ()
        )
    ]
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        keywords = _keywords(reader)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DocumentFormatError(
            f"The file is not a readable PDF ({exc}). Make sure it is the document as issued, "
            "not a scan or a re-printed copy."
        ) from exc
    if not embedded:
        if keywords.startswith(DRAFT_KEYWORD):
            raise DraftDocumentError(
                "This is a draft preview (ПРОЕКТ), not a valid document. Ask the office for the "
                "issued, signed document."
            )
        raise SignatureInvalidError(
            "The PDF carries no signature. Only the signed PDF issued by the municipality can be "
            "verified; a printed-and-scanned copy can be checked by its QR code instead."
        )
    if len(embedded) != 1:
        raise SignatureInvalidError(
            f"The PDF carries {len(embedded)} signatures; an issued document has exactly one."
        )
    signature = embedded[0]
    try:
        status = validate_pdf_signature(
            signature,
            signer_validation_context=ValidationContext(trust_roots=[trusted]),
            ts_validation_context=ValidationContext(trust_roots=[trusted, *timestamp_roots]),
            key_usage_settings=KeyUsageConstraints(key_usage={"digital_signature"}),
        )
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        raise SignatureInvalidError(
            f"The PDF's signature could not be checked ({exc}). The file is damaged or was "
            "changed after signing; ask the office for a fresh copy."
        ) from exc
    if not status.intact:
        raise SignatureInvalidError(
            "The PDF was changed after it was signed (the signed bytes do not match). "
            "Do not accept it; ask the office for the document as issued."
        )
    if not status.valid:
        raise SignatureInvalidError(
            "The PDF's signature is not valid: the bytes were altered or the signature damaged. "
            "Do not accept it."
        )
    if signature.signer_cert.dump() != trusted.dump():
        raise SignatureInvalidError(
            "The PDF was signed, but not with the municipality's certificate given. Check with "
            "the current published certificate (`central-api keys show --pem`)."
        )
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        raise SignatureInvalidError(
            "Something was added to the PDF after it was signed. Do not accept this copy; ask "
            "the office for the document as issued."
        )
    if status.timestamp_validity is not None and not (
        status.timestamp_validity.intact
        and status.timestamp_validity.valid
        and status.timestamp_validity.trusted
    ):
        raise SignatureInvalidError(
            "The PDF's signature time-stamp does not verify against the time-stamping "
            "authority's certificate given (or none was given). Check with the TSA's root "
            "certificate."
        )
    if not status.bottom_line:
        raise SignatureInvalidError(
            "The PDF's signature does not chain to the municipality's certificate given "
            f"({status.trust_problem_indic}). Check with the current published certificate."
        )
    if not keywords.startswith(PREFIX):
        raise StatementInvalidError(
            "The signed PDF carries no QR statement in its metadata; it was not issued by this "
            "system."
        )
    statement = keywords.strip()
    claims = verify_statement(statement, certificate_pem)
    return VerificationResult(
        number=claims["number"],
        issued_on=claims["issued_on"],
        service=claims["service"],
        initials=claims["initials"],
        content_sha256=claims["content_sha256"],
        statement=statement,
        signer=certificate.subject.rfc4514_string(),
        signed_at=(
            status.timestamp_validity.timestamp
            if status.timestamp_validity is not None
            else status.signer_reported_dt
        ),
        timestamped=status.timestamp_validity is not None,
        sha256=hashlib.sha256(pdf_bytes).hexdigest(),
    )


def _keywords(reader: PdfFileReader) -> str:
    info = reader.trailer_view.get("/Info")
    if info is None:
        return ""
    value = info.get_object().get("/Keywords")
    return str(value) if value is not None else ""
