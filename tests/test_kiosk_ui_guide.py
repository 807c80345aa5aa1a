"""The catalogue's guide on the kiosk: "a relative has died — what to do" is read, not asked for,
and each service it points to is one touch away; the services say who issues them."""

from __future__ import annotations

from central_api.catalogue import default_catalogue
from kiosk_app.store import store_for
from tests.fixtures_central import LYASKOVETS
from tests.kiosk_ui_helpers import (
    accept_privacy_notice,
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    wait_idle,
)


def test_a_relative_has_died_is_a_guide_that_leads_to_the_requests(
    qtbot, enrolled_kiosk, open_kiosk
):
    with store_for(enrolled_kiosk) as store:
        store.set_catalogue(default_catalogue(LYASKOVETS))
    window, bridge = open_kiosk(enrolled_kiosk)
    tap(qtbot, window.screens["welcome"].services_tile)
    wait_idle(qtbot, bridge)
    screen = window.screens["services"]
    qtbot.waitUntil(lambda: any(entry.get("steps") for entry, _ in screen._cards))
    guide, card = screen._cards[0]  # the guide comes first
    assert guide["id"] == "relative-died" and card.objectName() == "guide-relative-died"
    tax = next(w for entry, w in screen._cards if entry["id"] == "local-tax-debts-certificate")
    facts = " ".join(
        child.text() for child in tax.findChildren(type(window.screens["guide"].summary))
    )
    assert "до 7 дни" in facts and "Служител по местни приходи" in facts
    assert "Заявлението се изпраща в общинската администрация." in facts

    tap(qtbot, card.choose_button)
    assert window.current.name == "guide"
    page = window.screens["guide"]
    wait_idle(qtbot, bridge)
    assert page.header.title.text() == "Почина близък човек — какво да направите"
    steps = [page.steps_layout.itemAt(i).widget().text() for i in range(page.steps_layout.count())]
    assert steps[0].startswith("1. Смъртта се обявява")
    assert any("първото препис-извлечение безплатно" in step for step in steps)
    assert [b.text() for b in page.service_buttons] == [
        "Удостоверение за наследници ▶",
        "Декларация при наследяване ▶",
        "Препис-извлечение от акт за смърт – повторно ▶",
    ]
    tap(qtbot, page.service_buttons[0])
    accept_privacy_notice(qtbot, window, bridge)  # before the first personal field
    assert window.current.name == "form"
    assert window.ctx.session.service["id"] == "heirs-certificate"
