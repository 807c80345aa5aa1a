"""The screenshot tour renders every screen in both languages at both sizes."""

from __future__ import annotations

from PySide6.QtGui import QImage

from kiosk_app import gui


def test_tour_renders_every_screen_in_both_languages_and_sizes(enrolled_kiosk, tmp_path, qapp):
    written = gui.tour(enrolled_kiosk, tmp_path / "shots")
    names = {path.name for path in written}
    for language in ("bg", "en"):
        for screen in (
            "01-welcome",
            "02-services",
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
        ):
            assert f"{screen}-{language}.png" in names
    sizes = {(QImage(str(path)).width(), QImage(str(path)).height()) for path in written}
    assert sizes == {(1920, 1080), (1280, 800)}
    assert len(written) == 2 * len(names)
    # The tour works on a copy: the kiosk's own queue is untouched.
    from kiosk_app import services

    assert services.list_requests(enrolled_kiosk) == []
