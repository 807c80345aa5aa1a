"""The steps of each service, counted by the tour's walk through the form with the catalogue
shipped to central: the goals of docs/kiosk.md are met at both screen sizes, and its table is
the one the tour computes."""

from __future__ import annotations

from pathlib import Path

import pytest

from central_api.catalogue import default_catalogue
from central_api.municipality import load_municipality
from kiosk_app.app import KioskApp
from kiosk_app.config import KioskConfig
from kiosk_app.enrollment import enroll
from kiosk_app.gui import build_window
from kiosk_app.speech import RecordingVoice
from kiosk_app.ui.tour import count_steps, steps_markdown, steps_table, tour_settings
from tests.fixtures_central import LYASKOVETS_PROFILE
from tests.fixtures_kiosk import FakeCentral

KIOSK_MD = Path(__file__).resolve().parents[1] / "docs" / "kiosk.md"
SIZES = ((1920, 1080), (1280, 800))
ADDRESS = "Удостоверение за постоянен адрес"
HEIRS = "Удостоверение за наследници"


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue(load_municipality(LYASKOVETS_PROFILE))


@pytest.fixture
def shipped_kiosk(tmp_path, catalogue):
    config = KioskConfig(home=tmp_path / "kiosk", printer=None)
    enroll(
        config, "http://central.invalid", "invite-token", transport=FakeCentral(catalogue=catalogue)
    )
    return config


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
    qapp, shipped_kiosk, catalogue
):
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
