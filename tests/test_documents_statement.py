"""The QR statement (COSE_Sign1, ES256, zlib, base45) and the document-signing key."""

import datetime
import multiprocessing
import zlib

import base45
import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import central_api.documents as documents
from central_api.documents import (
    DocumentError,
    DocumentMismatchError,
    DocumentSigner,
    SignatureInvalidError,
    SigningKeyError,
    StatementFormatError,
    StatementInvalidError,
    StatementSignatureError,
    check_content,
    content_sha256,
    document_content,
    make_statement,
    verify_statement,
)
from tests.certificate_examples import ADDRESS_FACTS

CONTENT = document_content(
    number="2026-000017",
    issued_on=datetime.date(2026, 3, 2),
    service={"id": "permanent-address-certificate"},
    request={"reference": "DZH1-00042", "village": "dzhulyunitsa"},
    facts=ADDRESS_FACTS,
    official="Мария Георгиева",
    official_title="Кмет на кметство Джулюница",
)


@pytest.fixture(scope="module")
def signer():
    return DocumentSigner.generate()


@pytest.fixture(scope="module")
def statement(signer):
    return make_statement(
        signer,
        number="2026-000017",
        issued_on=datetime.date(2026, 3, 2),
        service_id="permanent-address-certificate",
        initials="И. К.",
        content_sha256=content_sha256(CONTENT),
        code="K7QF3M9XPA",
    )


def cose_parts(statement: str) -> list:
    tagged = cbor2.loads(zlib.decompress(base45.b45decode(statement.removeprefix("LKV1:"))))
    assert tagged.tag == 18
    return list(tagged.value)


def reencode(parts: list) -> str:
    raw = cbor2.dumps(cbor2.CBORTag(18, parts))
    return "LKV1:" + base45.b45encode(zlib.compress(raw)).decode()


def test_statement_round_trips(signer, statement):
    claims = verify_statement(statement, signer.certificate_pem())
    assert claims == {
        "version": 1,
        "number": "2026-000017",
        "issued_on": datetime.date(2026, 3, 2),
        "service": "permanent-address-certificate",
        "initials": "И. К.",
        "content_sha256": content_sha256(CONTENT),
        "code": "K7QF3M9XPA",
        "key_id": signer.key_id.hex(),
    }


def test_verification_codes_are_random_and_read_back_as_typed():
    from central_api.documents import new_verification_code, normalise_code

    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(code) == 10 for code in codes)
    assert all(set(code) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for code in codes)
    assert normalise_code(" k7qf-3m9x pa ") == "K7QF3M9XPA"
    assert normalise_code("O1IL") == "0111"  # letters read off paper for digits


def test_statement_is_a_standard_cose_sign1_with_es256(signer, statement):
    protected, unprotected, payload, signature = cose_parts(statement)
    assert cbor2.loads(protected) == {1: -7, 4: signer.key_id}
    assert unprotected == {}
    assert len(signature) == 64
    assert cbor2.loads(payload)["n"] == "2026-000017"


def test_statement_fits_a_qr_code_in_alphanumeric_mode(statement):
    import segno

    assert len(statement) < 400
    assert segno.make(statement, error="m").mode == "alphanumeric"


def test_tampered_payload_fails(signer, statement):
    parts = cose_parts(statement)
    claims = cbor2.loads(parts[2])
    claims["n"] = "2026-000018"
    parts[2] = cbor2.dumps(claims)
    with pytest.raises(StatementSignatureError, match="altered"):
        verify_statement(reencode(parts), signer.certificate_pem())


def test_tampered_signature_fails(signer, statement):
    parts = cose_parts(statement)
    parts[3] = bytes([parts[3][0] ^ 1]) + parts[3][1:]
    with pytest.raises(StatementSignatureError):
        verify_statement(reencode(parts), signer.certificate_pem())


def test_statement_of_another_key_fails(statement):
    with pytest.raises(StatementSignatureError, match="different key"):
        verify_statement(statement, DocumentSigner.generate().certificate_pem())


@pytest.mark.parametrize(
    "text",
    ["", "HC1:NCFOXN", "LKV1:", "LKV1:@@@", "LKV1:" + base45.b45encode(b"not zlib").decode()],
)
def test_malformed_statements_are_format_errors(signer, text):
    with pytest.raises(StatementFormatError):
        verify_statement(text, signer.certificate_pem())


def test_a_bomb_does_not_decompress_without_limit(signer):
    bomb = "LKV1:" + base45.b45encode(zlib.compress(b"\0" * 10_000_000)).decode()
    with pytest.raises(StatementFormatError):
        verify_statement(bomb, signer.certificate_pem())


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_statement_error_never_a_crash(data):
    # Random bytes are never a valid signed statement: the only acceptable outcome is our error.
    with pytest.raises(StatementInvalidError):
        verify_statement("LKV1:" + base45.b45encode(zlib.compress(data)).decode(), _PEM)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(list(range(1, 400))))
def test_every_changed_character_is_caught(seed, position):
    text = _STATEMENT
    position = position % (len(text) - 5) + 5
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    replacement = alphabet[(alphabet.index(text[position]) + 1 + seed % 44) % 45]
    changed = text[:position] + replacement + text[position + 1 :]
    with pytest.raises(StatementInvalidError):
        verify_statement(changed, _PEM)


_SIGNER = DocumentSigner.generate()
_PEM = _SIGNER.certificate_pem()
_STATEMENT = make_statement(
    _SIGNER,
    number="2026-000001",
    issued_on=datetime.date(2026, 1, 5),
    service_id="heirs-certificate",
    initials="П. К.",
    content_sha256="00" * 32,
)


def test_content_check_names_the_mismatch(signer, statement):
    claims = verify_statement(statement, signer.certificate_pem())
    check_content(claims, CONTENT)
    edited = {**CONTENT, "facts": {**CONTENT["facts"], "on": "2026-03-03"}}
    with pytest.raises(DocumentMismatchError, match="differ from the data that were signed"):
        check_content(claims, edited)
    with pytest.raises(DocumentMismatchError, match="names document 2026-000017"):
        check_content(claims, {**CONTENT, "number": "2026-000099"})


# -- the key ---------------------------------------------------------------------------------


def test_key_is_created_once_and_loaded_afterwards(tmp_path):
    folder = tmp_path / "keys" / "documents"
    first = DocumentSigner.load_or_create(folder)
    again = DocumentSigner.load_or_create(folder)
    assert again.certificate_pem() == first.certificate_pem()
    assert (folder / "document-signing-key.pem").stat().st_mode & 0o777 == 0o600
    assert b"BEGIN CERTIFICATE" in first.certificate_pem()


def _create(folder):
    return DocumentSigner.load_or_create(folder).certificate_pem()


def test_two_processes_creating_the_key_at_once_agree(tmp_path):
    folder = tmp_path / "documents"
    with multiprocessing.get_context("fork").Pool(3) as pool:
        certificates = pool.map(_create, [folder] * 6)
    assert len(set(certificates)) == 1


def test_damaged_key_says_to_restore_from_backup(tmp_path):
    folder = tmp_path / "documents"
    DocumentSigner.load_or_create(folder)
    (folder / "document-signing-key.pem").write_text("garbage")
    with pytest.raises(SigningKeyError, match="backup"):
        DocumentSigner.load(folder)


def test_certificate_is_ecdsa_p256_and_names_the_municipality():
    from cryptography.hazmat.primitives.asymmetric import ec

    # The municipality's name comes from its profile; the software names none of its own.
    signer = DocumentSigner.generate("Община Примерово", "Примерово")
    assert isinstance(signer.certificate.public_key().curve, ec.SECP256R1)
    assert "Община Примерово" in signer.certificate.subject.rfc4514_string()


# -- the package surface ---------------------------------------------------------------------


def test_every_error_is_a_document_error_with_a_code():
    errors = [
        getattr(documents, name)
        for name in documents.__all__
        if isinstance(getattr(documents, name), type)
        and issubclass(getattr(documents, name), Exception)
    ]
    assert len(errors) >= 9
    for error in errors:
        assert issubclass(error, DocumentError)
        assert error.code and error.http_status
        assert error.__name__ in documents.__doc__  # drawn in the tree
    assert not issubclass(StatementInvalidError, SignatureInvalidError)  # siblings, as drawn


def test_exported_members():
    assert sorted(documents.__all__) == sorted(
        name for name in documents.__all__ if hasattr(documents, name)
    )
    assert {"DocumentSigner", "issue_pdf", "verify_pdf", "make_statement", "verify_statement"} <= (
        set(documents.__all__)
    )
