"""Words that change with a number, and amounts of money: one helper for the kiosk and the office.

Bulgarian counts in two forms: one for 1 ("1 работен ден", "1 опит") and one for every other
number ("2 работни дни", "5 опита"; masculine things take the counting form -а/-я after a
number: "3 файла", "12 киоска"). English has one and other too. The words themselves are kept
here, once, so that a text never writes "{n} опита" and gets "1 опита".

    >>> counted(1, "working_day", "bg")
    '1 работен ден'
    >>> counted(2, "working_day", "bg")
    '2 работни дни'
    >>> counted(2.5, "day", "bg")
    '2,5 дни'
    >>> money(12.34, "bg")
    '12,34 евро'

Words that follow a person's sex ("роден"/"родена", "починал"/"починала") are chosen from the
register's sex with :func:`by_sex`, never written "роден/а" where the register says.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["NOUNS", "by_sex", "counted", "money", "plural"]

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
    "service": {"bg": ("услуга", "услуги"), "en": ("service", "services")},
    "entry": {"bg": ("запис", "записа"), "en": ("entry", "entries")},
    "week": {"bg": ("седмица", "седмици"), "en": ("week", "weeks")},
    "problem": {"bg": ("грешка", "грешки"), "en": ("problem", "problems")},
    "notice": {"bg": ("обявление", "обявления"), "en": ("notice", "notices")},
    "attachment": {"bg": ("приложение", "приложения"), "en": ("attachment", "attachments")},
    "bundle": {"bg": ("пакет", "пакета"), "en": ("bundle", "bundles")},
    "event": {"bg": ("събитие", "събития"), "en": ("event", "events")},
    "receipt": {"bg": ("разписка", "разписки"), "en": ("receipt", "receipts")},
    "exchange": {"bg": ("обмен", "обмена"), "en": ("exchange", "exchanges")},
    "session": {"bg": ("сесия", "сесии"), "en": ("session", "sessions")},
}


def plural(count: float, one: str, other: str) -> str:
    """``one`` for exactly 1 (and -1), ``other`` for every other number, 0 and 1.5 included."""
    return one if abs(count) == 1 else other


def counted(count: float, noun: str, language: str = "bg") -> str:
    """The number and the noun in the form that number takes: "1 опит", "3 опита"; a number
    with a fraction as the language writes it ("2,5 дни", "2.5 days")."""
    forms = NOUNS[noun]
    one, other = forms.get(language) or forms["bg"]
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    shown = f"{count}".replace(".", ",") if language == "bg" else f"{count}"
    return f"{shown} {plural(count, one, other)}"


def by_sex(sex: str | None, male: str, female: str) -> str:
    """The word for a person of that sex in a register ("M" or "F"): "роден" or "родена".
    A person whose sex no register gives (``None``) gets both, "роден(а)"-style, from the
    caller's two words."""
    if sex == "M":
        return male
    if sex == "F":
        return female
    return f"{male}/{female}"


def money(amount: object, language: str = "bg") -> str:
    """An amount in euro the way each language writes it: "12,34 евро" / "€12.34"."""
    value = Decimal(str(amount if amount is not None else 0)).quantize(Decimal("0.01"))
    if language == "bg":
        return f"{value:.2f}".replace(".", ",") + " евро"
    return f"€{value:.2f}"
