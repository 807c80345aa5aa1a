"""The steps of each service, counted by the tour's walk through the form with the catalogue
shipped to central: the goals of docs/kiosk.md are met at both screen sizes, and its table is
the one the tour computes."""

from __future__ import annotations

from pathlib import Path

from central_api.catalogue import default_catalogue
from central_api.municipality import load_municipality
from kiosk_app.app import KioskApp
from kiosk_app.gui import build_window
from kiosk_app.speech import RecordingVoice
from kiosk_app.ui.session import StaffConfirmation
from kiosk_app.ui.tour import count_steps, steps_markdown, steps_table, tour_settings
from tests.fixtures_central import LYASKOVETS_PROFILE
from tests.kiosk_ui_helpers import (
    open_kiosk_fixture,  # noqa: F401 - the fixture
    shipped_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    wait_idle,
)

KIOSK_MD = Path(__file__).resolve().parents[1] / "docs" / "kiosk.md"
SIZES = ((1920, 1080), (1280, 800))
ADDRESS = "Удостоверение за постоянен адрес"
HEIRS = "Удостоверение за наследници"
SERVICE = "permanent-address-certificate"


def _tables(app, config, services):
    tables = {}
    for width, height in SIZES:
        settings = tour_settings(height, {"bg": "Село", "en": "Village"})
        window, bridge = build_window(KioskApp(config), settings, voice=RecordingVoice())
        try:
            window.resize(width, height)
            window.show()
            tables[(width, height)] = steps_table(app, window, bridge, services)
            if (width, height) == (1280, 800):
                address = next(s for s in services if s["name"]["bg"] == ADDRESS)
                walked = count_steps(app, window, bridge, address, "self")
        finally:
            window.close()
            bridge.shutdown()
    return tables, walked


def test_the_address_certificate_takes_six_screens_and_heirs_eight_at_both_sizes(
    qapp, shipped_kiosk
):
    catalogue = default_catalogue(load_municipality(LYASKOVETS_PROFILE))
    tables, walked = _tables(qapp, shipped_kiosk, catalogue["services"])
    # One's own address certificate: the notice, who it is for, the ЕГН, the last questions
    # (purpose, phone, e-mail), staff, review; no page for the tier.
    assert walked == [
        "privacy",
        "form:for_whom",
        "form:personal_number_kind",
        "form:purpose",
        "staff_confirm",
        "review",
    ]
    for size, table in tables.items():
        assert table[ADDRESS]["self"] <= 6, size
        assert table[HEIRS]["self"] <= 8, size
    # docs/kiosk.md shows the table the tour computes (regenerate it with the tour's steps.md).
    assert steps_markdown(tables) in KIOSK_MD.read_text(encoding="utf-8")


def test_the_review_offers_the_faster_tier_and_a_paid_fee_goes_back_to_staff(
    qtbot, shipped_kiosk, open_kiosk
):
    window, bridge = open_kiosk(shipped_kiosk)
    window.show_screen("services")
    wait_idle(qtbot, bridge)
    session = window.ctx.session
    session.service = next(s for s in window.screens["services"]._services if s["id"] == SERVICE)
    session.privacy_told = True
    session.fields = {"for_whom": "self", "personal_number_kind": "egn"}
    window.show_screen("form")
    assert session.tier == "ordinary"  # no page asks it: the ordinary tier is taken
    window.show_screen("review")
    review = window.screens["review"]
    ordinary, fast = review.tier_buttons["ordinary"], review.tier_buttons["fast"]
    assert ordinary.isChecked() and not fast.isChecked()
    assert "2,56 евро" in ordinary.words() and "до 72 часа" in ordinary.words()
    assert "5,11 евро (с 2,55 евро повече)" in fast.words()
    tap(qtbot, review.tier_buttons["fast"])
    assert session.tier == "fast" and review.tier_buttons["fast"].isChecked()
    # Staff took the ordinary fee... then the villager wants it faster: staff again.
    session.staff = StaffConfirmation("staff-7", "Мария Петрова", "645123987", {"status": "paid"})
    window.show_screen("review")
    tap(qtbot, review.tier_buttons["ordinary"])
    assert session.tier == "ordinary"
    assert window.current.name == "staff_confirm" and session.staff is None
