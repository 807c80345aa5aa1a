"""The fast path of issuing gives the very bytes of the slow one: the QR matrix is segno's (mask
included); and every document of a batch verifies."""

import datetime
import random
import string

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from central_api.documents import DocumentSigner, issue_pdf, make_statement, verify_pdf
from central_api.documents.qr import qr_matrix
from central_api.municipality import load_municipality
from tests.certificate_examples import ADDRESS_FACTS
from tests.fixtures_central import LYASKOVETS_PROFILE

MUNICIPALITY = load_municipality(LYASKOVETS_PROFILE)

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


def test_every_document_of_a_batch_verifies_whatever_its_signature_length(signer):
    # ECDSA signatures are 70, 71 or 72 bytes of DER; the room reserved fits them all.
    service = {"id": "permanent-address-certificate", "name": {"bg": "Удостоверение"}}
    certificate = signer.certificate_pem()
    for n in range(24):
        issued = issue_pdf(
            signer,
            number=f"2026-{n:06d}",
            issued_on=datetime.date(2026, 11, 25),
            service=service,
            request={"reference": f"DZH1-{n:05d}", "village": "dzhulyunitsa"},
            facts=ADDRESS_FACTS,
            official="Мария Георгиева",
            official_title="Кмет на Община Лясковец",
            municipality=MUNICIPALITY,
        )
        result = verify_pdf(issued.pdf, certificate)
        assert result.valid and result.intact and result.statement == issued.statement
