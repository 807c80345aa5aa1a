"""The fast paths of issuing give the very bytes of the slow ones: the QR matrix is segno's (mask
included), the CMS of the PDF signature is pyHanko's, and every document of a batch verifies."""

import asyncio
import datetime
import hashlib
import random
import string

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from central_api.documents import DocumentSigner, issue_pdf, make_statement, verify_pdf
from central_api.documents.prepared_signer import DerTemplate, PreparedPdfSigner
from central_api.documents.qr import qr_matrix

QR_ALPHANUMERIC = string.digits + string.ascii_uppercase + " $%*+-./:"
SIGNED_AT = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


def segno_matrix(text: str) -> tuple[bytes, ...]:
    return tuple(bytes(row) for row in segno.make(text, error="m", micro=False).matrix)


@pytest.fixture(scope="module")
def signer():
    return DocumentSigner.generate()


@pytest.fixture(scope="module")
def statements(signer):
    chance = random.Random(20261125)
    return [
        make_statement(
            signer,
            number=f"2026-{n:06d}",
            issued_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 365),
            service_id=chance.choice(["permanent-address-certificate", "heirs-certificate"]),
            initials=chance.choice(["И. П. К.", "Г. К.", ""]),
            content_sha256=chance.randbytes(32).hex(),
        )
        for n in range(300)
    ]


def test_the_qr_code_of_every_statement_is_the_one_segno_makes(statements):
    masks_chosen = set()
    for statement in statements:
        assert qr_matrix(statement) == segno_matrix(statement), statement
        masks_chosen.add(segno.make(statement, error="m", micro=False).mask)
    assert len(masks_chosen) >= 6  # the swap to another mask is exercised, not only mask 0


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=QR_ALPHANUMERIC, min_size=1, max_size=900))
def test_any_alphanumeric_text_gets_segnos_symbol_at_any_version(text):
    assert qr_matrix(text) == segno_matrix(text)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_in_byte_or_kanji_mode_gets_segnos_symbol(text):
    assert qr_matrix(text) == segno_matrix(text)


def stock_and_prepared(signer: DocumentSigner):
    """pyHanko's own signer and ours over the same key, with a repeatable raw signature whose
    length we choose, so the two CMS can be compared byte for byte."""
    prepared = signer.pdf_signer()
    stock = signers.SimpleSigner(
        signing_cert=prepared.signing_cert,
        signing_key=prepared.signing_key,
        cert_registry=prepared.cert_registry,
    )
    signed = {"stock": [], "prepared": []}

    def fake_raw_signature(name, length):
        async def sign_raw(data, digest_algorithm, dry_run=False):
            signed[name].append(data)
            return hashlib.sha512(data).digest()[:length]

        return sign_raw

    return stock, prepared, signed, fake_raw_signature


@pytest.mark.parametrize("signature_length", [72, 71, 70, 64, 8])
def test_the_prepared_cms_is_byte_for_byte_pyhankos(signature_length):
    stock, prepared, signed, fake = stock_and_prepared(DocumentSigner.generate())
    stock.async_sign_raw = fake("stock", signature_length)
    prepared.async_sign_raw = fake("prepared", signature_length)
    attributes = PdfCMSSignedAttributes(signing_time=SIGNED_AT)
    for document in range(5):
        digest = hashlib.sha256(f"document {document}".encode()).digest()
        ours, theirs = (
            asyncio.run(
                pdf_signer.async_sign(
                    digest, "sha256", use_pades=True, signed_attr_settings=attributes
                )
            ).dump()
            for pdf_signer in (prepared, stock)
        )
        assert ours == theirs
    assert signed["prepared"] == signed["stock"]  # the same signed-attribute bytes were signed
    assert prepared._container_templates, "the fast path was not taken"


@pytest.mark.parametrize(
    "options",
    [{"use_pades": False}, {"use_pades": True, "dry_run": True}],
    ids=["cms-with-signing-time", "dry-run"],
)
def test_other_kinds_of_signature_go_through_pyhanko_unchanged(options):
    stock, prepared, _, fake = stock_and_prepared(DocumentSigner.generate())
    stock.async_sign_raw = fake("stock", 71)
    prepared.async_sign_raw = fake("prepared", 71)
    digest = hashlib.sha256(b"a document").digest()
    attributes = PdfCMSSignedAttributes(signing_time=SIGNED_AT)
    ours, theirs = (
        asyncio.run(
            pdf_signer.async_sign(digest, "sha256", signed_attr_settings=attributes, **options)
        ).dump()
        for pdf_signer in (prepared, stock)
    )
    assert ours == theirs
    assert not prepared._attribute_templates and not prepared._container_templates


def test_a_template_needs_each_placeholder_exactly_once():
    assert DerTemplate.around(b"head-XX-tail-XX", b"XX") is None
    assert DerTemplate.around(b"head-tail", b"XX") is None
    template = DerTemplate.around(b"a-YYY-b-XX-c", b"XX", b"YYY")
    assert template.fill(b"11", b"222") == b"a-222-b-11-c"
    assert template.values_in(b"a-222-b-11-c") == (b"11", b"222")
    assert template.values_in(b"a-222-b-11-d") is None
    with pytest.raises(ValueError):
        template.fill(b"1", b"222")


def test_every_document_of_a_batch_verifies_whatever_its_signature_length(signer):
    # ECDSA signatures are 70, 71 or 72 bytes of DER: each length gets its own template.
    service = {"id": "permanent-address-certificate", "name": {"bg": "Удостоверение"}}
    certificate = signer.certificate_pem()
    for n in range(24):
        issued = issue_pdf(
            signer,
            number=f"2026-{n:06d}",
            issued_on=datetime.date(2026, 11, 25),
            service=service,
            request={"reference": f"DZH1-{n:05d}", "village": "dzhulyunitsa", "fields": {}},
            official="Мария Георгиева",
            official_title="Кмет на Община Лясковец",
        )
        result = verify_pdf(issued.pdf, certificate)
        assert result.valid and result.intact and result.statement == issued.statement
    assert isinstance(signer.pdf_signer(), PreparedPdfSigner)
    assert signer.pdf_signer()._container_templates, "the fast path was not taken"
