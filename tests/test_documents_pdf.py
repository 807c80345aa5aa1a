"""Issued PDFs: Bulgarian text that extracts, PAdES signature that validates, QR that scans,
drafts that cannot pass for documents."""

import datetime
import shutil
import subprocess

import pytest

from central_api.documents import (
    DocumentSigner,
    DraftDocumentError,
    SignatureInvalidError,
    StatementInvalidError,
    issue_pdf,
    verify_pdf,
    verify_statement,
)
from central_api.municipality import load_municipality
from central_api.registers.identifiers import egn_birth_date, egn_sex, is_egn
from tests.certificate_examples import (
    ADDRESS_FACTS,
    CURRENT_ADDRESS_FACTS,
    HEIRS_FACTS,
    MARITAL_FACTS,
    TAX_FACTS,
)
from tests.fixtures_central import LYASKOVETS_PROFILE

MUNICIPALITY = load_municipality(LYASKOVETS_PROFILE)
ISSUED_ON = datetime.date(2026, 3, 2)
PERMANENT_ADDRESS = {
    "id": "permanent-address-certificate",
    "register_code": "2128",
    "name": {"bg": "Удостоверение за постоянен адрес", "en": "Permanent address certificate"},
}
REQUEST = {"reference": "DZH1-00042", "village": "dzhulyunitsa"}


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    return DocumentSigner.load_or_create(tmp_path_factory.mktemp("keys") / "documents")


@pytest.fixture(scope="module")
def issued(signer):
    return issue_pdf(
        signer,
        number="2026-000017",
        issued_on=ISSUED_ON,
        service=PERMANENT_ADDRESS,
        request=REQUEST,
        facts=ADDRESS_FACTS,
        official="Мария Георгиева Петрова",
        official_title="Длъжностно лице по гражданско състояние",
        official_order="Заповед № РД-09-112/05.01.2026 г.",
        municipality=MUNICIPALITY,
    )


def pdf_text(pdf: bytes, tmp_path, *options: str) -> str:
    """The page's text as pdftotext gives it, with line breaks and runs of spaces as one space
    (paragraphs wrap wherever the words fall)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def people_of(facts: dict) -> list[dict]:
    people = [facts.get(key) for key in ("person", "spouse", "deceased", "applicant")]
    return [p for p in people + list(facts.get("heirs") or []) if p]


@pytest.mark.parametrize(
    "facts", [ADDRESS_FACTS, MARITAL_FACTS, HEIRS_FACTS, TAX_FACTS], ids=lambda f: f["kind"]
)
def test_the_examples_are_what_a_register_could_hold(facts):
    """A certificate's words follow the register's sex; an example with a man's ЕГН and
    "родена" would picture a document the registers cannot produce."""
    for person in people_of(facts):
        assert is_egn(person["egn"]), person["names"]
        assert egn_sex(person["egn"]) == person["sex"], person["names"]
        assert egn_birth_date(person["egn"]).isoformat() == person["birth_date"], person["names"]


@needs_pdftotext
def test_issued_document_text_comes_back_in_bulgarian(issued, tmp_path):
    text = pdf_text(issued.pdf, tmp_path)
    for expected in (
        MUNICIPALITY.official_name.bg.upper(),
        f"област {MUNICIPALITY.province.bg}",
        f"Кметство {MUNICIPALITY.settlement('dzhulyunitsa').name.bg}",
        "Изх. № 2026-000017",
        "Дата: 02.03.2026 г.",
        "УДОСТОВЕРЕНИЕ",
        "за постоянен адрес",
        "Иванка Петрова Колева, ЕГН 5008012310, родена на 01.08.1950 г.",
        "ул. „Васил Левски“",
        "Мария Георгиева Петрова",
        "Длъжностно лице по гражданско състояние",
        "Упълномощен(а) със Заповед № РД-09-112/05.01.2026 г.",
        "Предал(а) документа на заявителя:",
        "(име, длъжност и подпис на длъжностното лице)",
        "М.П.",
        "Проверка на документа: сканирайте QR кода или отворете адреса "
        f"(код за проверка {issued.verification_code}): "
        f"{MUNICIPALITY.verification_url}/verify/2026-000017?c={issued.verification_code}",
    ):
        assert expected in text, expected
    assert "ПРОЕКТ" not in text


@needs_pdftotext
@pytest.mark.parametrize(
    ("service", "facts", "expected"),
    [
        (
            {"id": "current-address-certificate", "name": {"bg": "Удостоверение за настоящ адрес"}},
            CURRENT_ADDRESS_FACTS,
            ["за настоящ адрес", "родена на 01.08.1950 г., е с настоящ адрес: обл. Велико Търново"],
        ),
        (
            {"id": "marital-status-certificate", "name": {"bg": "Семейно положение"}},
            MARITAL_FACTS,
            ["за семейно положение", "е със семейно положение: омъжена", "Съпруг: Петър"],
        ),
        (
            {"id": "local-tax-debts-certificate", "name": {"bg": "Задължения"}},
            TAX_FACTS,
            ["за наличие или липса на задължения", "няма задължения за местни данъци"],
        ),
        (
            {"id": "heirs-certificate", "name": {"bg": "Удостоверение за наследници"}},
            HEIRS_FACTS,
            [
                "за наследници",
                "Петър Георгиев Колев, ЕГН 4004021246",
                "починал на 01.12.2025 г. (акт за смърт № 0012/2025, Джулюница)",
                "е оставил следните наследници по закон:",
                "1. Иванка Петрова Колева, ЕГН 5008012310 — съпруга",
                "2. Георги Петров Колев, ЕГН 6502111240 — син",
                "по чл. 5–10 от Закона за наследството",
            ],
        ),
    ],
    ids=["current-address", "marital-status", "tax-debts", "heirs"],
)
def test_each_service_has_its_own_text(signer, tmp_path, service, facts, expected):
    document = issue_pdf(
        None,
        number="2026-000018",
        issued_on=ISSUED_ON,
        service=service,
        request=REQUEST,
        facts=facts,
        official="Мария Георгиева",
        official_title="Кмет на Община Лясковец",
        municipality=MUNICIPALITY,
        draft=True,
    )
    text = pdf_text(document.pdf, tmp_path)
    for phrase in expected:
        assert phrase in text, phrase


def test_a_service_without_a_register_text_has_no_certificate():
    from central_api.documents.texts import has_certificate_text

    assert not has_certificate_text("plot-sketch")
    with pytest.raises(KeyError):
        issue_pdf(
            None,
            number="2026-000018",
            issued_on=ISSUED_ON,
            service={"id": "plot-sketch"},
            request=REQUEST,
            facts=ADDRESS_FACTS,
            official="Мария Георгиева",
            municipality=MUNICIPALITY,
            official_title="Кмет на кметство Джулюница",
            draft=True,
        )


def test_signed_document_validates_with_the_municipality_certificate(issued, signer):
    result = verify_pdf(issued.pdf, signer.certificate_pem())
    assert result.valid and result.intact
    assert result.number == "2026-000017"
    assert result.issued_on == ISSUED_ON
    assert result.service == "permanent-address-certificate"
    assert result.initials == "И. П. К."
    assert result.statement == issued.statement
    assert result.content_sha256 == issued.content_sha256


def test_pyhanko_itself_reports_the_signature_intact_valid_and_trusted(issued, signer):
    import io

    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    embedded = PdfFileReader(io.BytesIO(issued.pdf)).embedded_signatures
    assert [signature.field_name for signature in embedded] == ["Signature1"]
    assert embedded[0].sig_object["/SubFilter"] == SigSeedSubFilter.PADES.value
    trusted = asn1_x509.Certificate.load(signer.certificate_der())
    status = validate_pdf_signature(
        embedded[0], signer_validation_context=ValidationContext(trust_roots=[trusted])
    )
    assert status.intact and status.valid and status.trusted
    assert status.pkcs7_signature_mechanism in ("ecdsa", "sha256_ecdsa")


def test_changing_one_byte_of_the_signed_pdf_fails_verification(issued, signer):
    # A byte inside the signed range (the page content), not in the signature's hex.
    position = issued.pdf.index(b"stream") + 40
    tampered = bytearray(issued.pdf)
    tampered[position] ^= 0x01
    with pytest.raises(SignatureInvalidError):
        verify_pdf(bytes(tampered), signer.certificate_pem())


def test_a_revision_added_after_signing_is_refused(issued, signer):
    import io

    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(issued.pdf))
    info = writer.root  # any object will do: an update after the signature is the point
    info[NameObject("/Lang")] = TextStringObject("bg")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    with pytest.raises(SignatureInvalidError, match="added to the PDF after it was signed"):
        verify_pdf(output.getvalue(), signer.certificate_pem())


def test_another_certificate_does_not_verify_the_document(issued):
    stranger = DocumentSigner.generate()
    with pytest.raises(SignatureInvalidError, match="municipality's certificate"):
        verify_pdf(issued.pdf, stranger.certificate_pem())


def test_garbage_is_not_a_pdf(signer):
    from central_api.documents import DocumentFormatError

    with pytest.raises(DocumentFormatError):
        verify_pdf(b"%PDF-1.4 not really", signer.certificate_pem())


def test_the_statement_in_the_metadata_verifies(issued, signer):
    claims = verify_statement(issued.statement, signer.certificate_pem())
    assert claims["number"] == "2026-000017"
    assert claims["content_sha256"] == issued.content_sha256


@needs_pdftotext
def test_draft_carries_the_watermark_and_no_signature(signer, tmp_path):
    draft = issue_pdf(
        signer,
        number="2026-000019",
        issued_on=ISSUED_ON,
        service=PERMANENT_ADDRESS,
        request=REQUEST,
        facts=ADDRESS_FACTS,
        official="Мария Георгиева",
        official_title="Кмет на Община Лясковец",
        municipality=MUNICIPALITY,
        draft=True,
    )
    assert draft.draft and draft.statement == ""
    assert b"/ByteRange" not in draft.pdf and b"/Sig" not in draft.pdf
    text = pdf_text(draft.pdf, tmp_path)
    assert "ПРОЕКТ — НЕВАЛИДЕН / DRAFT — NOT VALID" in text  # the banner
    assert "няма QR код" in text
    # The diagonal watermark, in drawing order (pdftotext spaces out its rotated letters).
    in_drawing_order = pdf_text(draft.pdf, tmp_path, "-raw").replace(" ", "")
    assert "ПРОЕКТ—НЕВАЛИДЕНDRAFT—NOTVALID" in in_drawing_order
    with pytest.raises(DraftDocumentError, match="draft"):
        verify_pdf(draft.pdf, signer.certificate_pem())


def test_issuing_without_a_key_is_refused_but_a_draft_is_fine():
    from central_api.documents import SigningKeyError

    with pytest.raises(SigningKeyError, match="key"):
        issue_pdf(
            None,
            number="2026-000020",
            issued_on=ISSUED_ON,
            service=PERMANENT_ADDRESS,
            request=REQUEST,
            facts=ADDRESS_FACTS,
            official="Мария Георгиева",
            official_title="Кмет на Община Лясковец",
            municipality=MUNICIPALITY,
        )


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (zbar-tools) or pdftoppm (poppler-utils) is not installed: cannot scan the QR",
)
def test_qr_code_on_the_page_scans_to_the_statement(issued, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(issued.pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png")],
        capture_output=True,
        check=True,
    )
    assert scanned.stdout.decode("ascii").strip() == issued.statement


def test_a_statement_from_a_different_document_does_not_pass_for_this_one(issued, signer):
    other = issue_pdf(
        signer,
        number="2026-000021",
        issued_on=ISSUED_ON,
        service=PERMANENT_ADDRESS,
        request=REQUEST,
        facts=ADDRESS_FACTS,
        official="Мария Георгиева",
        official_title="Кмет на Община Лясковец",
        municipality=MUNICIPALITY,
    )
    assert other.statement != issued.statement
    with pytest.raises(StatementInvalidError):
        verify_statement(issued.statement[:-4] + other.statement[-4:], signer.certificate_pem())


@needs_pdftotext
def test_a_png_coat_of_arms_from_the_profile_is_on_the_document(tmp_path):
    import dataclasses
    import io

    import segno

    png = io.BytesIO()
    segno.make("coat of arms").save(png, kind="png", scale=4)
    profile = dataclasses.replace(
        MUNICIPALITY, coat_of_arms="herb.png", coat_of_arms_data=png.getvalue()
    )
    document = issue_pdf(
        None,
        number="2026-000020",
        issued_on=ISSUED_ON,
        service=PERMANENT_ADDRESS,
        request=REQUEST,
        facts=ADDRESS_FACTS,
        official="Мария Георгиева",
        official_title="Кмет",
        municipality=profile,
        draft=True,
    )
    path = tmp_path / "draft.pdf"
    path.write_bytes(document.pdf)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True)
    assert len(images.stdout.strip().splitlines()) == 3  # two header lines, one image
