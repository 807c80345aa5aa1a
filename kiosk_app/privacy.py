"""The notice the kiosk gives before it asks for personal data (GDPR art. 13).

Its words are the municipality's: the ``[privacy]`` table of the municipality profile
(:data:`sync.municipality.PRIVACY_KEYS`), which central sends to every kiosk, so the
administrator changes them without a new software. A profile without the table is an error the
screen shows (the kiosk must not collect data without telling what happens to them).
No Qt (:class:`kiosk_app.app.KioskApp` calls it).
"""

from __future__ import annotations

from printing.sheets import render_text_sheet

from . import municipality as municipality_profile
from .documents import print_pdf
from .errors import NotAllowedError
from .store import store_for

HEADINGS = {
    "controller": ("Кой събира данните", "Who collects the data"),
    "purpose": ("Защо", "Why"),
    "legal_basis": ("На какво основание", "On what legal basis"),
    "kiosk_retention": ("Колко време ги пази киоскът", "How long the kiosk keeps them"),
    "municipality_retention": (
        "Колко време ги пази общината",
        "How long the municipality keeps them",
    ),
    "rights": ("Вашите права", "Your rights"),
    "contact": ("За въпроси", "Questions"),
}
TITLE = ("Какво става с личните Ви данни", "What happens to your personal data")


def privacy_notice(config) -> list[dict]:
    """``[{"key", "heading": {bg, en}, "text": {bg, en}}]`` in the order they are told."""
    with store_for(config) as store:
        municipality = municipality_profile.required(store)
    if not municipality.privacy:
        raise NotAllowedError(
            "Профилът на общината няма текст за личните данни ([privacy]): добавете го в "
            "municipality.toml. / The municipality profile has no privacy notice ([privacy])."
        )
    return [
        {
            "key": key,
            "heading": {"bg": HEADINGS[key][0], "en": HEADINGS[key][1]},
            "text": text.to_json(),
        }
        for key, text in municipality.privacy
    ]


def print_privacy_notice(config, language: str = "bg") -> str:
    """Print the notice for the villager to take home; the print's state."""
    index = 1 if language == "en" else 0
    sections = [
        (item["heading"][("bg", "en")[index]], item["text"][("bg", "en")[index]])
        for item in privacy_notice(config)
    ]
    config.spool_dir.mkdir(parents=True, exist_ok=True)
    path = render_text_sheet(
        TITLE[index], sections, config.spool_dir / f"privacy-notice-{language}.pdf"
    )
    return print_pdf(config, path, TITLE[1]).state
