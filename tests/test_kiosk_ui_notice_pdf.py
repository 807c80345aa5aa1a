"""A notice's attached PDF opens in the kiosk's own viewer: pages drawn by PDFium on the worker
(kiosk_app/notice_pdf.py), large page-turn buttons with "Страница 1 от 3", zoom, back; with
speech on its title is read. A real three-page PDF, applied as central sends it."""

from __future__ import annotations

import base64
import hashlib

import pytest
from reportlab.pdfgen import canvas

from kiosk_app.bulletins import apply_notice
from kiosk_app.errors import DocumentError
from kiosk_app.notice_pdf import render_page
from kiosk_app.speech import RecordingVoice
from kiosk_app.store import store_for
from tests.kiosk_ui_helpers import (
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    wait_idle,
)

TITLE = {"bg": "Решение № 214 за местните такси", "en": "Decision 214 on local fees"}


def three_pages(path):
    pdf = canvas.Canvas(str(path))
    for number in (1, 2, 3):
        pdf.setFont("Helvetica", 48)
        pdf.drawString(80, 700, f"Page {number}")
        pdf.rect(80, 200, 400, 300 + number * 40, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def publish_notice_with_pdf(config, tmp_path) -> str:
    data = three_pages(tmp_path / "decision.pdf").read_bytes()
    body = {
        "id": "decision-214",
        "kind": "council_decision",
        "date": "2026-11-20",
        "published_at": "2026-11-21",
        "title": TITLE,
        "body": {"bg": "Текстът е приложен.", "en": "The text is attached."},
        "pdf_b64": base64.b64encode(data).decode(),
        "pdf_sha256": hashlib.sha256(data).hexdigest(),
    }
    with store_for(config) as store:
        apply_notice(config, store, body)
    return body["id"]


def dark_share(rendered) -> float:
    """The share of dark bytes in a rendered page: text and the black box."""
    return sum(1 for byte in rendered.pixels[::97] if byte < 80) / len(rendered.pixels[::97])


def test_pdfium_draws_each_page_as_wide_as_asked(tmp_path):
    path = three_pages(tmp_path / "three.pdf")
    first = render_page(path, 1, 600)
    assert (first.page, first.pages, first.width) == (1, 3, 600)
    assert first.height > first.width  # a portrait page
    assert first.stride * first.height == len(first.pixels)
    assert 0.05 < dark_share(first) < 0.6  # something is drawn, not a blank page
    assert render_page(path, 9, 600).page == 3  # past the end: the last page
    assert render_page(path, 1, 1200).width == 1200
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(DocumentError, match="cannot be opened"):
        render_page(tmp_path / "broken.pdf", 1, 600)


def test_a_notices_pdf_opens_turns_pages_zooms_and_goes_back(
    qtbot, enrolled_kiosk, tmp_path, open_kiosk
):
    notice_id = publish_notice_with_pdf(enrolled_kiosk, tmp_path)
    window, bridge = open_kiosk(enrolled_kiosk)
    window.show_screen("notices")
    wait_idle(qtbot, bridge)
    notices = window.screens["notices"]
    tap(qtbot, notices.holder.findChild(type(notices.cancel_button), f"pdf-{notice_id}"))
    assert window.current.name == "notice_pdf"
    viewer = window.current
    wait_idle(qtbot, bridge)
    assert viewer.title.text() == TITLE["bg"]
    assert viewer.where.text() == "Страница 1 от 3"
    assert not viewer.image.pixmap().isNull()
    assert not viewer.previous_button.isEnabled()
    width = viewer.image.pixmap().width()

    tap(qtbot, viewer.next_button)
    wait_idle(qtbot, bridge)
    assert viewer.where.text() == "Страница 2 от 3"
    tap(qtbot, viewer.next_button)
    wait_idle(qtbot, bridge)
    assert viewer.page == (3, 3) and not viewer.next_button.isEnabled()

    tap(qtbot, viewer.larger_button)  # for poor sight: the page grows and scrolls
    wait_idle(qtbot, bridge)
    assert viewer.image.pixmap().width() == pytest.approx(width * 1.5, rel=0.02)
    assert viewer.page == (3, 3)  # zoom keeps the page
    tap(qtbot, viewer.smaller_button)
    wait_idle(qtbot, bridge)
    assert viewer.image.pixmap().width() == pytest.approx(width, rel=0.02)

    tap(qtbot, viewer.header.back_button)
    assert window.current.name == "notices"


def test_with_speech_on_the_pdfs_title_and_page_are_read(
    qtbot, enrolled_kiosk, tmp_path, open_kiosk
):
    notice_id = publish_notice_with_pdf(enrolled_kiosk, tmp_path)
    voice = RecordingVoice()
    window, bridge = open_kiosk(enrolled_kiosk, voice=voice)
    window.ctx.narrator.set_enabled(True)
    window.ctx.session.notice = {"id": notice_id, "title": TITLE, "pdf": "held by the kiosk"}
    window.show_screen("notice_pdf")
    wait_idle(qtbot, bridge)
    viewer = window.current
    viewer.next_button.click()
    wait_idle(qtbot, bridge)
    qtbot.wait(30)
    assert window.ctx.narrator.speaker.wait(5)
    said = " ".join(utterance.text for utterance in voice.said)
    assert "Решение 214 за местните такси" in said  # the title, as read ("№" is not said)
    assert "Страница 1 от 3" in said and "Страница 2 от 3" in said
