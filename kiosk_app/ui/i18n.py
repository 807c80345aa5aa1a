"""Every word the kiosk shows, in Bulgarian and English: a gettext-style catalogue of our own.

Widgets never hold text of their own: they ask the :class:`Translator` for a key
(``tr.t("welcome.title")``) and redraw when ``language_changed`` fires. The tables live in
``texts_bg.py`` and ``texts_en.py``; a test checks both hold exactly the same keys and the same
``{placeholders}``. Catalogue data from central already comes in both languages
(``{"bg": ..., "en": ...}``) and is picked with :meth:`Translator.pick`.

Signals of :class:`Translator`:

- ``language_changed(str)``: the language code now in use (``"bg"`` or ``"en"``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from PySide6.QtCore import QObject, Signal

from sync import wording

from .texts_bg import TEXTS as BG
from .texts_en import TEXTS as EN

LANGUAGES = ("bg", "en")
DEFAULT_LANGUAGE = "bg"
TABLES: dict[str, dict[str, str]] = {"bg": BG, "en": EN}

_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class Translator(QObject):
    """The current language and the lookup of texts. See the module docstring for signals."""

    language_changed = Signal(str)

    def __init__(self, language: str = DEFAULT_LANGUAGE, parent: QObject | None = None):
        super().__init__(parent)
        self._language = language if language in LANGUAGES else DEFAULT_LANGUAGE

    @property
    def language(self) -> str:
        return self._language

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; use one of {LANGUAGES}")
        if language != self._language:
            self._language = language
            self.language_changed.emit(language)

    def t(self, key: str, **params: object) -> str:
        """The text for ``key`` in the current language, with ``{params}`` filled in."""
        table = TABLES[self._language]
        text = table.get(key)
        if text is None:  # a missing key is a bug; show the key rather than crash a kiosk
            text = BG.get(key, key)
        return text.format(**params) if params else text

    def pick(self, value: object) -> str:
        """Choose the current language from catalogue data (``{"bg": .., "en": ..}`` or text)."""
        if isinstance(value, Mapping):
            return str(value.get(self._language) or value.get(DEFAULT_LANGUAGE) or "")
        return "" if value is None else str(value)

    def money(self, amount: object) -> str:
        """A fee in euro, the way each language writes it ("12,34 евро"); zero is "free"."""
        if Decimal(str(amount or 0)).quantize(Decimal("0.01")) == 0:
            return self.t("money.free")
        return wording.money(amount or 0, self._language)

    def count(self, number: int, noun: str) -> str:
        """A number with its noun in the form the number takes ("1 опит", "3 опита")."""
        return wording.counted(number, noun, self._language)

    def date(self, value: object) -> str:
        """A date (``date``, ``datetime`` or ISO text) as a person reads it; "" for nothing."""
        if not value:
            return ""
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if self._language == "bg":
            return f"{value.day:02d}.{value.month:02d}.{value.year} г."
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"

    def date_time(self, value: object) -> str:
        """A moment as date and hour:minute (local time of the kiosk)."""
        if not value:
            return self.t("common.never")
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone()
        if not isinstance(value, dt.datetime):
            return self.date(value)
        return f"{self.date(value)} {value:%H:%M}"
