"""The kiosk's notices screen with the council's notices: large plain text, and a villager's
comment on a draft under consultation typed on the on-screen keyboard and queued for central."""

from __future__ import annotations

from pathlib import Path

from kiosk_app import queue_status
from kiosk_app.bulletins import NOTICES_SETTING
from kiosk_app.store import store_for
from tests.kiosk_ui_helpers import (
    open_kiosk_fixture,  # noqa: F401 - the fixture
    tap,
    type_on_keyboard,
)

SHOT = (
    Path(__file__).resolve().parent.parent
    / "docs"
    / "screenshots"
    / "council"
    / "kiosk-decisions.png"
)
NOTICES = [
    {
        "id": "n-draft",
        "kind": "council_consultation",
        "date": "2026-11-24",
        "published_at": "2026-11-24T09:00:00Z",
        "title": {
            "bg": "Проект за обществено обсъждане: Наредба за обществения ред",
            "en": "Draft",
        },
        "body": {
            "bg": "Чл. 1. Тишина между 14:00 и 16:00 ч.\n\nМожете да изпратите коментар до "
            "2026-12-20 тук, на киоска (бутон „Коментар по проекта“), с Вашето име или без него.",
            "en": "Art. 1. Quiet hours 14:00–16:00.",
        },
    },
    {
        "id": "n-budget",
        "kind": "council_decision",
        "date": "2026-11-26",
        "published_at": "2026-11-26T12:00:00Z",
        "title": {"bg": "Решение № 1/2026: Бюджет на общината за 2027 г.", "en": "Decision 1/2026"},
        "body": {
            "bg": "Приема бюджета на общината за 2027 г.\n\nПрието на заседание № 12 от "
            "2026-11-26 с „за“ 12, „против“ 3, „въздържал се“ 1; поименно гласуване.",
            "en": "Adopted: 12 for, 3 against, 1 abstained; named vote.",
        },
    },
]


def test_a_villager_comments_on_a_draft_at_the_kiosk(qtbot, enrolled_kiosk, open_kiosk):
    with store_for(enrolled_kiosk) as store:
        store.set_setting(NOTICES_SETTING, NOTICES)
    window, _bridge = open_kiosk(enrolled_kiosk)
    window.show_screen("notices")
    screen = window.screens["notices"]
    qtbot.waitUntil(
        lambda: screen.findChild(type(screen.send_button), "comment-n-draft") is not None
    )
    assert screen.findChild(type(screen.send_button), "comment-n-budget") is None  # no comments
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOT))
    tap(qtbot, screen.findChild(type(screen.send_button), "comment-n-draft"))
    tap(qtbot, screen.send_button)  # nothing typed yet: told to write first
    assert screen.comment_problem.isVisible()
    type_on_keyboard(qtbot, screen.keyboard, "Тишината да е до 15")
    tap(qtbot, screen.send_button)
    qtbot.waitUntil(lambda: screen.stages.currentIndex() == 0)
    assert "Коментарът Ви е изпратен" in screen.message.text()
    with store_for(enrolled_kiosk) as store:
        events = [e for e in store.db["events"].rows if e["type"] == "council.comment"]
    assert len(events) == 1 and "Тишината да е до 15" in events[0]["body"]
    assert queue_status.queue_state(enrolled_kiosk).queue_depth >= 1
