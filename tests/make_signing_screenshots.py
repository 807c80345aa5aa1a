"""Screenshots of the papers and of the batch approval, for docs/documents.md.

``python -m tests.make_signing_screenshots docs/screenshots/documents`` writes (a developer's
tool, like ``tests/make_test_vectors.py``):

- ``certificate-official.png``: a certificate as issued (the demo key), with the approving
  official's block, the place for the handing official's signature and stamp, the QR code and
  the footer with the full check address and the verification code;
- ``request-form.png``: the request form the kiosk prints at submission for the villager to sign;
- ``batch-approval.png``: the office's queue as a clerk sees it when the key is on a token,
  three requests selected for one approval and the PIN typed once: written by
  ``tests/test_signing_token.py`` (:func:`office_page_picture`) from the page the office
  served there, as Chromium draws it.

Pages are rasterised with ``pdftoppm`` (poppler-utils).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from central_api.documents import DocumentSigner, issue_pdf
from central_api.municipality import load_municipality
from deploy.office_screenshots import VIEWPORT, launch_browser
from printing.request_form import RequestForm, render_request_form
from tests.certificate_examples import ADDRESS_FACTS
from tests.test_documents_pdf import PERMANENT_ADDRESS, REQUEST

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "deploy" / "profiles" / "lyaskovets.toml"


def _png(pdf: Path, out: Path) -> Path:
    subprocess.run(
        ["pdftoppm", "-r", "110", "-png", "-singlefile", str(pdf), str(out.with_suffix(""))],
        check=True,
        timeout=60,
    )
    return out


def certificate(outdir: Path, work: Path) -> Path:
    municipality = load_municipality(PROFILE)
    issued = issue_pdf(
        DocumentSigner.generate(municipality.official_name.bg, municipality.centre.name.bg),
        number="2026-000017",
        issued_on=dt.date(2026, 12, 2),
        service=PERMANENT_ADDRESS,
        request=REQUEST,
        facts=ADDRESS_FACTS,
        official="Теодора Маринова Петрова",
        official_title="Длъжностно лице по гражданско състояние",
        official_order="Заповед № РД-09-112/05.01.2026 г.",
        municipality=municipality,
    )
    pdf = work / "certificate.pdf"
    pdf.write_bytes(issued.pdf)
    return _png(pdf, outdir / "certificate-official.png")


def request_form(outdir: Path, work: Path) -> Path:
    form = RequestForm(
        reference="DZH1-00042",
        submitted_at=dt.datetime(2026, 12, 2, 10, 15),
        municipality="Община Лясковец",
        addressee="КМЕТА НА КМЕТСТВО ДЖУЛЮНИЦА\nОБЩИНА ЛЯСКОВЕЦ",
        title="ИСКАНЕ",
        subject="за издаване на удостоверение за постоянен адрес",
        legal_basis="чл. 106, ал. 1, т. 1 от Закона за гражданската регистрация; "
        "чл. 29 от Административнопроцесуалния кодекс",
        answers=[
            ("За кого е документът", "За мен"),
            ("Вид на личния номер", "ЕГН"),
            ("ЕГН или ЛНЧ", "5008012310"),
            ("Собствено име", "Иванка"),
            ("Бащино име", "Петрова"),
            ("Фамилно име", "Колева"),
            ("Телефон", "+359888123456"),
        ],
        tier="Обикновена услуга",
        fee="2,56 евро",
        kiosk="информационния център в Джулюница",
    )
    pdf = render_request_form(form, work / "request-form.pdf")
    return _png(pdf, outdir / "request-form.png")


def office_page_picture(html: str, path: Path, selected: int, pin: str) -> Path:
    """Draw an office page (its HTML as served, with its style sheet) in headless Chromium,
    tick the first ``selected`` requests, type ``pin`` into the PIN field, and save it."""
    from playwright.sync_api import sync_playwright

    css = (ROOT / "central_api" / "office" / "static" / "office.css").read_text()
    page_html = html.replace("</head>", f"<style>{css}</style></head>", 1)
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            page = browser.new_context(viewport=VIEWPORT, locale="bg-BG").new_page()
            page.route("**/*", lambda route: route.abort())  # nothing from outside the page
            page.set_content(page_html, wait_until="domcontentloaded")
            boxes = page.locator("input[type=checkbox][name=reference]")
            for index in range(min(selected, boxes.count())):
                boxes.nth(index).check()
            page.locator("#batch-pin").fill(pin)
            page.screenshot(path=str(path), full_page=True, timeout=30000)
        finally:
            browser.close()
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    outdir = Path(args[0] if args else "docs/screenshots/documents")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for made in (certificate(outdir, Path(work)), request_form(outdir, Path(work))):
            print(made)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
