"""Official documents: rendering, PAdES signing, the QR statement, and checking them.

An approved request becomes a one-page PDF (:func:`issue_pdf`): the municipality's header, the
outgoing number (``Изх. № 2026-000017``) and date, the applicant, the certificate's Bulgarian
text, the issuing official, a QR code holding a signed statement (:mod:`.statement`) and a line
telling the reader how to verify. The PDF is then signed with the municipality's key (PAdES, via
pyHanko). A draft (``draft=True``) carries a diagonal "ПРОЕКТ — НЕВАЛИДЕН / DRAFT — NOT VALID"
watermark, no QR statement and no signature.

Errors, one tree::

    DocumentError                   base of everything raised here
    ├── SigningKeyError             the document-signing key/certificate cannot be made or read
    │   └── SigningDeviceError      the PKCS#11 token or the remote signing service cannot be
    │       │                       used (nothing was signed)
    │       ├── TokenPinError       wrong or missing PIN
    │       ├── TokenLockedError    the token is locked (too many wrong PINs)
    │       ├── TokenMissingError   no such token / card not inserted
    │       ├── RemoteSigningError  the remote signing service (CSC API) did not answer
    │       └── RemoteAuthorisationError  it refused to authorise the signature (PIN, OTP)
    ├── TimestampUnavailableError   the time-stamping authority did not answer (nothing signed)
    ├── DocumentFormatError         the bytes are not a readable PDF / the certificate is not PEM
    ├── SignatureInvalidError       the PDF's signature is missing, broken, not ours, or the file
    │   │                           was changed after signing
    │   └── DraftDocumentError      the PDF is a draft preview, never valid
    ├── StatementInvalidError       the QR statement does not verify
    │   ├── StatementFormatError    not a statement at all / damaged
    │   └── StatementSignatureError well formed, but not signed by this certificate or altered
    ├── DocumentMismatchError       statement and data disagree (number, content hash)
    └── DocumentRevokedError        genuine, but revoked by the office (carries number, reason)

Every message says what happened and what the reader can do. ``code`` and ``http_status`` are
for the API's error bodies.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from sync.municipality import Municipality

from .attached import append_covering_sheet, attachment_sha256, check_attachment
from .content import (
    content_sha256,
    document_content,
    holder_initials,
)
from .errors import (
    DocumentError,
    DocumentFormatError,
    DocumentMismatchError,
    DocumentRevokedError,
    DraftDocumentError,
    RemoteAuthorisationError,
    RemoteSigningError,
    SignatureInvalidError,
    SigningDeviceError,
    SigningKeyError,
    StatementFormatError,
    StatementInvalidError,
    StatementSignatureError,
    TimestampUnavailableError,
    TokenLockedError,
    TokenMissingError,
    TokenPinError,
)
from .keys import DocumentSigner
from .pades import DRAFT_KEYWORD, VerificationResult, sign_pdf, verify_pdf
from .refusal import default_legal_basis, refusal_text
from .render import register_fonts, render_pdf
from .signing import (
    SigningSettings,
    TokenSigner,
    open_signer,
    signing_certificate_pem,
    token_certificate_pem,
)
from .statement import PREFIX as STATEMENT_PREFIX
from .statement import make_statement, new_verification_code, normalise_code, verify_statement
from .texts import certificate_text, covering_sheet_text

__all__ = [
    "STATEMENT_PREFIX",
    "DocumentError",
    "DocumentFormatError",
    "DocumentMismatchError",
    "DocumentRevokedError",
    "DocumentSigner",
    "DraftDocumentError",
    "IssuedDocument",
    "SignatureInvalidError",
    "SigningDeviceError",
    "SigningKeyError",
    "SigningSettings",
    "StatementFormatError",
    "StatementInvalidError",
    "StatementSignatureError",
    "TimestampUnavailableError",
    "TokenLockedError",
    "RemoteAuthorisationError",
    "RemoteSigningError",
    "TokenMissingError",
    "TokenPinError",
    "TokenSigner",
    "VerificationResult",
    "check_attachment",
    "check_content",
    "content_sha256",
    "default_legal_basis",
    "document_content",
    "issue_attached_pdf",
    "issue_pdf",
    "make_statement",
    "new_verification_code",
    "normalise_code",
    "open_signer",
    "register_fonts",
    "signing_certificate_pem",
    "token_certificate_pem",
    "verify_pdf",
    "verify_statement",
]


@dataclass(frozen=True)
class IssuedDocument:
    """A rendered document. ``sha256`` is of the PDF bytes (what the kiosk checks on download);
    ``content_sha256`` is of the canonical content (what the QR statement carries)."""

    number: str
    pdf: bytes
    sha256: str
    statement: str  # the QR text; "" for drafts
    content_sha256: str
    draft: bool = False
    content: dict | None = None  # what the statement's hash is of (document_content)
    verification_code: str = ""  # printed on it and in its statement; "" for drafts


def holder_names(facts: dict) -> str:
    """Whose initials the QR statement carries: the person the certificate is about."""
    for key in ("person", "deceased", "applicant"):
        if isinstance(facts.get(key), dict):
            return facts[key]["names"]
    return ""


def issue_pdf(
    signer: DocumentSigner | TokenSigner | None,
    *,
    number: str,
    issued_on: datetime.date,
    service: dict,
    request: dict,
    facts: dict,
    official: str,
    official_title: str,
    municipality: Municipality,
    official_order: str = "",
    draft: bool = False,
) -> IssuedDocument:
    """Render (and unless ``draft``, sign) the certificate for an approved request.

    ``service`` is a catalogue entry (``id``, ``name: {bg, en}``); ``request`` has ``reference``
    and ``village`` (the header); ``facts`` are what the certificate states, taken from the
    registers by the review (:mod:`central_api.review`), never the request's answers.
    ``signer`` is what :func:`open_signer` gives (a key file or a token session, with its
    time-stamping authority); it may be ``None`` only for drafts. ``official``,
    ``official_title`` and ``official_order`` are the approving official's names, title and
    authorising order as printed (:mod:`central_api.officials`).
    """
    content = document_content(
        number=number,
        issued_on=issued_on,
        service=service,
        request=request,
        facts=facts,
        official=official,
        official_title=official_title,
        official_order=official_order,
    )
    digest = content_sha256(content)
    code = "" if draft else new_verification_code()
    if draft:
        statement, keywords = "", f"{DRAFT_KEYWORD} {number}"
    else:
        if signer is None:
            raise SigningKeyError(
                "Issuing a document needs the document-signing key; only drafts can be made "
                "without it. Run `central-api init` to create the key."
            )
        statement = make_statement(
            signer,
            number=number,
            issued_on=issued_on,
            service_id=str(service["id"]),
            initials=holder_initials(holder_names(facts)),
            content_sha256=digest,
            code=code,
        )
        keywords = statement
    pdf = render_pdf(
        number=number,
        issued_on=issued_on,
        request=request,
        text=refusal_text(facts)
        if facts.get("kind") == "refusal"
        else certificate_text(service, facts, municipality),
        municipality=municipality,
        official=official,
        official_title=official_title,
        official_order=official_order,
        statement=statement or None,
        draft=draft,
        keywords=keywords,
        verification_code=code,
    )
    if not draft:
        pdf = sign_pdf(signer, pdf, **_signed_by(municipality))
    return _issued(number, pdf, statement, digest, content, code, draft)


def issue_attached_pdf(
    signer: DocumentSigner | TokenSigner,
    *,
    number: str,
    issued_on: datetime.date,
    service: dict,
    request: dict,
    attachment: bytes,
    official: str,
    official_title: str,
    municipality: Municipality,
    official_order: str = "",
) -> IssuedDocument:
    """Issue a document made in another of the municipality's systems (``issuance: attached``):
    the uploaded PDF unchanged, a covering sheet with the number, the official and the QR
    statement appended as its last page, the whole signed. The statement's content names the
    attachment by its SHA-256, so a swapped attachment does not verify."""
    pages = check_attachment(attachment)
    digest_of_attachment = attachment_sha256(attachment)
    content = document_content(
        number=number,
        issued_on=issued_on,
        service=service,
        request=request,
        facts={"kind": "attached", "attachment_sha256": digest_of_attachment, "pages": pages},
        official=official,
        official_title=official_title,
        official_order=official_order,
    )
    digest = content_sha256(content)
    code = new_verification_code()
    statement = make_statement(
        signer,
        number=number,
        issued_on=issued_on,
        service_id=str(service["id"]),
        initials="",
        content_sha256=digest,
        code=code,
    )
    sheet = render_pdf(
        number=number,
        issued_on=issued_on,
        request=request,
        text=covering_sheet_text(service, request, pages, digest_of_attachment, municipality),
        municipality=municipality,
        official=official,
        official_title=official_title,
        official_order=official_order,
        statement=statement,
        draft=False,
        keywords=statement,
        verification_code=code,
    )
    pdf = sign_pdf(
        signer, append_covering_sheet(attachment, sheet, statement), **_signed_by(municipality)
    )
    return _issued(number, pdf, statement, digest, content, code)


def _issued(number, pdf: bytes, statement, digest, content, code, draft: bool = False):
    """What was issued: the PDF as signed (or the unsigned draft) with its SHA-256."""
    return IssuedDocument(
        number=number,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        statement=statement,
        content_sha256=digest,
        draft=draft,
        content=content,
        verification_code=code,
    )


def _signed_by(municipality: Municipality) -> dict:
    """Where and why the municipality signs (the PAdES location and reason), from its profile."""
    return {
        "location": municipality.centre.name.bg,
        "reason": f"Официален документ на {municipality.official_name.bg}",
    }


def check_content(claims: dict, content: dict) -> None:
    """Raise :class:`DocumentMismatchError` unless verified ``claims`` match ``content``
    (a :func:`document_content` dict rebuilt from the office's records)."""
    if claims["number"] != content["number"]:
        raise DocumentMismatchError(
            f"The QR code names document {claims['number']}, not {content['number']}."
        )
    if claims["content_sha256"] != content_sha256(content):
        raise DocumentMismatchError(
            f"Document {content['number']}: the data on record differ from the data that were "
            "signed. The record or the paper was changed; ask the office to investigate."
        )
