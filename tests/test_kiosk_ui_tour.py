"""The screenshot tour renders every screen in both languages at both sizes."""

from __future__ import annotations

from PySide6.QtGui import QImage

from kiosk_app import gui

SPOKEN_REFERENCE = "ди зед ейч едно, тире, нула нула нула четиридесет и две"


def test_tour_renders_every_screen_in_both_languages_and_sizes(enrolled_kiosk, tmp_path, qapp):
    lost = {}
    shots = gui.tour(enrolled_kiosk, tmp_path / "shots", lost=lost)
    # In large text a screen whose body scrolls has a second shot, scrolled to its end.
    ends = [path for path in shots if path.stem.endswith("-large-end")]
    written = [path for path in shots if path not in ends]
    assert {path.parent.name for path in ends} == {"1280x800"}
    assert {"07-staff-details-bg-large-end.png", "14-staff-panel-bg-large-end.png"} <= {
        path.name for path in ends
    }
    names = {path.name for path in written if not path.stem.endswith("-large")}
    for language in ("bg", "en"):
        for screen in (
            "01-welcome",
            "02-services",
            "20-privacy",
            "04-form-errors",
            "06-staff-pin",
            "08-review",
            "09-done",
            "10-status-ready",
            "12-notices",
            "14-staff-panel",
            "15-idle-warning",
            "16-status-answer-pin",
            "17-status-answer",
            "18-status-answer-empty",
            "19-status-answer-sent",
            "21-notice-pdf",
        ):
            assert f"{screen}-{language}.png" in names
    sizes = {(QImage(str(path)).width(), QImage(str(path)).height()) for path in shots}
    assert sizes == {(1920, 1080), (1280, 800)}
    large = [path for path in written if path.stem.endswith("-large")]
    assert len(written) - len(large) == 2 * len(names)
    # Large text is shown at the tightest size, 1280x800; no button is lost there, nor anywhere.
    assert {path.parent.name for path in large} == {"1280x800"}
    assert len(large) == len(names) // 2
    assert lost == {}

    # Beside each screenshot, what that screen says with speech on, as it is read aloud.
    def spoken(name, size="1280x800"):
        return (tmp_path / "shots" / size / name).read_text(encoding="utf-8")

    assert all(path.with_suffix(".txt").exists() for path in written)
    assert "Добре дошли! Докоснете това" in spoken("01-welcome-bg.txt")
    assert "Можете да докоснете: Български, избрано, English" in spoken("01-welcome-bg.txt")
    assert "без него заявлението не може да се подаде" in spoken("04-form-errors-bg.txt")
    assert f"Вашият номер е: {SPOKEN_REFERENCE}" in spoken("09-done-bg.txt")
    assert "тридесети ноември две хиляди двадесет и шеста година" in spoken("09-done-bg.txt")
    assert "Услуга: " in spoken("09-done-bg.txt")  # the slip is read in full, its service too
    assert f"{SPOKEN_REFERENCE}: документът Ви очаква в кметството" in spoken(
        "10-status-ready-bg.txt"
    )
    assert spoken("15-idle-warning-en.txt").startswith("Are you still there?")
    assert "Страница две от" in spoken("21-notice-pdf-bg.txt")
    assert "Отмени предаването" in spoken(
        "14-staff-panel-bg.txt"
    )  # a hand-over to take back  # the viewer's page, turned
    assert "Вашите данни" in spoken("05-form-filled-bg-large.txt")
    assert not any(ch.isdigit() for ch in spoken("09-done-bg.txt"))
    # The tour works on a copy: the kiosk's own queue is untouched.
    from kiosk_app import submission

    assert submission.list_requests(enrolled_kiosk) == []
