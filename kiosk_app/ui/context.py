"""What every screen is given: the translator, the worker bridge, the session, settings, the\nnarrator (speech) and the text size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .i18n import Translator
from .session import Session


@dataclass(frozen=True)
class UiSettings:
    """Timings and sizes; tests shorten the timeouts so they run in a fraction of a second."""

    # The warning comes 30 s before the wipe (WCAG 2.2 2.2.1 asks for at least 20 s to answer
    # it), and one touch anywhere gives the full time again.
    idle_warn_s: float = 60.0
    idle_timeout_s: float = 90.0
    fields_per_page: int = 3
    done_return_s: float = 60.0
    # The village's name from the municipality profile (kiosk_app.gui.village_name).
    village_name: dict[str, str] = field(
        default_factory=lambda: {"bg": "Информационен център", "en": "Information centre"}
    )


@dataclass
class KioskContext:
    tr: Translator
    bridge: Any  # kiosk_app.worker.ServiceBridge (duck-typed so the UI never imports the store)
    session: Session
    settings: UiSettings
    # kiosk_app.app.KioskApp: screens name its methods in bridge.call(ctx.app.method, ...)
    app: Any
    # kiosk_app.ui.narrator.Narrator: everything the screens say goes through it
    narrator: Any
    # kiosk_app.ui.access.TextSize: large-text mode
    text_size: Any
