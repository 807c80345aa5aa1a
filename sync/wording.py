"""Words that change with a number, and amounts of money: one helper for the kiosk and the office.

Bulgarian counts in two forms: one for 1 ("1 работен ден", "1 опит") and one for every other
number ("2 работни дни", "5 опита"; masculine things take the counting form -а/-я after a
number: "3 файла", "12 киоска"). English has one and other too. The words themselves are kept
here, once, so that a text never writes "{n} опита" and gets "1 опита".

    >>> counted(1, "working_day", "bg")
    '1 работен ден'
    >>> counted(2, "working_day", "bg")
    '2 работни дни'
    >>> money(12.34, "bg")
    '12,34 евро'
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["NOUNS", "counted", "money", "plural"]

#: noun -> language -> (form for one, form for any other number)
NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "working_day": {"bg": ("работен ден", "работни дни"), "en": ("working day", "working days")},
    "day": {"bg": ("ден", "дни"), "en": ("day", "days")},
    "hour": {"bg": ("час", "часа"), "en": ("hour", "hours")},
    "minute": {"bg": ("минута", "минути"), "en": ("minute", "minutes")},
    "second": {"bg": ("секунда", "секунди"), "en": ("second", "seconds")},
    "attempt": {"bg": ("опит", "опита"), "en": ("attempt", "attempts")},
    "file": {"bg": ("файл", "файла"), "en": ("file", "files")},
    "kiosk": {"bg": ("киоск", "киоска"), "en": ("kiosk", "kiosks")},
    "record": {"bg": ("запис", "записа"), "en": ("record", "records")},
    "request": {"bg": ("заявка", "заявки"), "en": ("request", "requests")},
    "document": {"bg": ("документ", "документа"), "en": ("document", "documents")},
    "character": {"bg": ("знак", "знака"), "en": ("character", "characters")},
    "screen": {"bg": ("екран", "екрана"), "en": ("screen", "screens")},
}


def plural(count: int, one: str, other: str) -> str:
    """``one`` for exactly 1 (and -1), ``other`` for every other number, 0 included."""
    return one if abs(int(count)) == 1 else other


def counted(count: int, noun: str, language: str = "bg") -> str:
    """The number and the noun in the form that number takes: "1 опит", "3 опита"."""
    forms = NOUNS[noun]
    one, other = forms.get(language) or forms["bg"]
    return f"{count} {plural(count, one, other)}"


def money(amount: object, language: str = "bg") -> str:
    """An amount in euro the way each language writes it: "12,34 евро" / "€12.34"."""
    value = Decimal(str(amount if amount is not None else 0)).quantize(Decimal("0.01"))
    if language == "bg":
        return f"{value:.2f}".replace(".", ",") + " евро"
    return f"€{value:.2f}"
