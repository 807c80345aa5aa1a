"""How the kiosk reads numbers, dates, amounts, ЕГН and references aloud.

A speech synthesiser reads "DZH1-00042" as one long word and "7523169263" as seven billion
something. A person reads them so that the listener can check them against the paper:

- a reference letter by letter, then its parts: "ди зед ейч едно, тире, нула нула нула
  четиридесет и две" — leading zeros one by one, because they are printed;
- an ЕГН (or ЛНЧ, or any identifier of many digits) digit by digit, in the groups it is made of
  (birth date, serial, check digit) with a pause between them;
- a date as a date: "първи декември две хиляди двадесет и шеста година";
- an amount as money: "дванадесет евро и тридесет и четири евроцента".

``speakable(text, lang)`` finds these inside a sentence and replaces them with their spoken form;
the other functions read one value. Bulgarian ("bg") and English ("en").

Latin letters are spelled by the names Bulgarians give them ("ди", "зед", "ейч"), because the
slip shows Latin letters and the listener compares what they hear with what they see.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = [
    "spoken_amount",
    "spoken_date",
    "spoken_digits",
    "spoken_identifier",
    "spoken_number",
    "spoken_reference",
    "speakable",
]

# ---- Bulgarian numerals -------------------------------------------------------------------------

_BG_UNITS_NEUTER = ["нула", "едно", "две", "три", "четири", "пет", "шест", "седем", "осем", "девет"]
_BG_TEENS = [
    "десет", "единадесет", "дванадесет", "тринадесет", "четиринадесет", "петнадесет",
    "шестнадесет", "седемнадесет", "осемнадесет", "деветнадесет",
]  # fmt: skip
_BG_TENS = {
    2: "двадесет", 3: "тридесет", 4: "четиридесет", 5: "петдесет", 6: "шестдесет",
    7: "седемдесет", 8: "осемдесет", 9: "деветдесет",
}  # fmt: skip
_BG_HUNDREDS = {
    1: "сто", 2: "двеста", 3: "триста", 4: "четиристотин", 5: "петстотин", 6: "шестстотин",
    7: "седемстотин", 8: "осемстотин", 9: "деветстотин",
}  # fmt: skip
# The forms of one and two that agree with the noun counted (Bulgarian has three genders).
_BG_ONE = {"m": "един", "f": "една", "n": "едно"}
_BG_TWO = {"m": "два", "f": "две", "n": "две"}


def _bg_below_thousand(n: int, gender: str) -> list[str]:
    """The components of 1..999, without the conjunction ("и" is placed by the caller)."""
    parts: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(_BG_HUNDREDS[hundreds])
    if 10 <= rest <= 19:
        parts.append(_BG_TEENS[rest - 10])
    elif rest:
        tens, units = divmod(rest, 10)
        if tens:
            parts.append(_BG_TENS[tens])
        if units:
            parts.append(_bg_unit(units, gender))
    return parts


def _bg_unit(units: int, gender: str) -> str:
    if units == 1:
        return _BG_ONE[gender]
    if units == 2:
        return _BG_TWO[gender]
    return _BG_UNITS_NEUTER[units]


def _join_bg(parts: list[str]) -> str:
    # Bulgarian puts "и" once, before the last component: "сто четиридесет и две",
    # "хиляда и сто", "две хиляди двадесет и шест".
    if len(parts) < 2:
        return "".join(parts)
    return " ".join(parts[:-1]) + " и " + parts[-1]


def _bg_number_parts(n: int, gender: str) -> list[str]:
    if n == 0:
        return ["нула"]
    parts: list[str] = []
    millions, rest = divmod(n, 1_000_000)
    if millions:
        if millions == 1:
            parts.append("един милион")
        else:
            parts.append(_join_bg(_bg_number_parts(millions, "m")) + " милиона")
    thousands, rest = divmod(rest, 1000)
    if thousands:
        if thousands == 1:
            parts.append("хиляда")
        else:
            parts.append(_join_bg(_bg_below_thousand(thousands, "f")) + " хиляди")
    if rest:
        parts.extend(_bg_below_thousand(rest, gender))
    return parts


def _bg_number(n: int, gender: str = "n") -> str:
    return _join_bg(_bg_number_parts(n, gender))


# Feminine ordinals ("година" is feminine) and masculine ones (a day of the month: "ден").
_BG_ORDINAL_UNITS = {
    "m": ["", "първи", "втори", "трети", "четвърти", "пети", "шести", "седми", "осми", "девети"],
    "f": ["", "първа", "втора", "трета", "четвърта", "пета", "шеста", "седма", "осма", "девета"],
}
_BG_ENDING = {"m": "и", "f": "а"}


_BG_HUNDREDS_ORDINAL_F = {
    1: "стотна", 2: "двестотна", 3: "тристотна", 4: "четиристотна", 5: "петстотна",
    6: "шестстотна", 7: "седемстотна", 8: "осемстотна", 9: "деветстотна",
}  # fmt: skip
_BG_THOUSANDS_ORDINAL_F = {1: "хилядна", 2: "двехилядна", 3: "трихилядна"}


def _masculine(feminine_ordinal: str) -> str:
    # "стотна" → "стотен", "хилядна" → "хиляден": the masculine of these ends in "-ен".
    return feminine_ordinal[:-2] + "ен"


def _bg_ordinal_word(value: int, gender: str) -> str:
    """The ordinal of one component: 1..9, 10..19, the tens, the hundreds."""
    if value < 10:
        return _BG_ORDINAL_UNITS[gender][value]
    ending = _BG_ENDING[gender]
    if value < 20:
        return _BG_TEENS[value - 10] + ending  # "десети", "единадесета"
    if value < 100:
        return _BG_TENS[value // 10] + ending  # "двадесети", "тридесета"
    feminine = _BG_HUNDREDS_ORDINAL_F[value // 100]
    return feminine if gender == "f" else _masculine(feminine)


def _bg_ordinal(n: int, gender: str) -> str:
    """An ordinal numeral: the last component becomes ordinal, the ones before stay cardinal
    ("две хиляди двадесет и шеста"); whole thousands join into one word ("двехилядна")."""
    if n <= 0:
        raise ValueError("ordinals start at 1")
    rest = n % 1000
    if rest == 0:
        thousands = n // 1000
        feminine = _BG_THOUSANDS_ORDINAL_F.get(thousands)
        if feminine is None:
            feminine = _join_bg(_bg_below_thousand(thousands, "f")) + " хилядна"
        return feminine if gender == "f" else _masculine(feminine)
    if rest % 100 == 0:
        last_value = rest
    elif 10 <= rest % 100 <= 19 or rest % 10 == 0:
        last_value = rest % 100  # "десета", "двадесета": one word for the last two digits
    else:
        last_value = rest % 10
    parts = _bg_number_parts(n, "n")
    parts[-1] = _bg_ordinal_word(last_value, gender)
    return _join_bg(parts)


_BG_MONTHS = [
    "януари", "февруари", "март", "април", "май", "юни", "юли", "август", "септември",
    "октомври", "ноември", "декември",
]  # fmt: skip

# ---- English numerals ---------------------------------------------------------------------------

_EN_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_EN_TENS = {
    2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty",
    9: "ninety",
}  # fmt: skip
_EN_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_EN_ORDINAL_DAYS = {1: "first", 2: "second", 3: "third", 5: "fifth", 8: "eighth", 9: "ninth",
                    12: "twelfth"}  # fmt: skip


def _en_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(_EN_UNITS[hundreds] + " hundred")
    if rest:
        if rest < 20:
            tail = _EN_UNITS[rest]
        else:
            tens, units = divmod(rest, 10)
            tail = _EN_TENS[tens] + (f"-{_EN_UNITS[units]}" if units else "")
        words.append(("and " if hundreds else "") + tail)
    return " ".join(words)


def _en_number(n: int) -> str:
    if n == 0:
        return "zero"
    words = []
    for value, name in ((1_000_000, "million"), (1000, "thousand")):
        count, n = divmod(n, value)
        if count:
            words.append(f"{_en_below_thousand(count)} {name}")
    if n:
        words.append(_en_below_thousand(n))
    return " ".join(words)


def _en_ordinal(n: int) -> str:
    if n in _EN_ORDINAL_DAYS:
        return _EN_ORDINAL_DAYS[n]
    if n < 20:
        return _EN_UNITS[n] + "th"
    tens, units = divmod(n, 10)
    if units == 0:
        return _EN_TENS[tens][:-1] + "ieth"
    return f"{_EN_TENS[tens]}-{_en_ordinal(units)}"


def _en_year(year: int) -> str:
    if 2000 <= year < 2010:
        return _en_number(year)
    high, low = divmod(year, 100)
    if low == 0:
        return f"{_en_number(high)} hundred"
    return f"{_en_number(high)} {'oh ' + _en_number(low) if low < 10 else _en_number(low)}"


# ---- one value ----------------------------------------------------------------------------------


def spoken_number(n: int, lang: str = "bg", gender: str = "n") -> str:
    """A whole number in words: 42 → "четиридесет и две" (Bulgarian neuter by default)."""
    if n < 0:
        return ("минус " if lang == "bg" else "minus ") + spoken_number(-n, lang, gender)
    return _bg_number(n, gender) if lang == "bg" else _en_number(n)


def spoken_digits(digits: str, lang: str = "bg") -> str:
    """Digit by digit: "042" → "нула четири две"."""
    names = _BG_UNITS_NEUTER if lang == "bg" else _EN_UNITS
    return " ".join(names[int(digit)] for digit in digits if digit.isdigit())


# Latin letters as Bulgarians name them when they spell an abbreviation.
_BG_LATIN_LETTERS = {
    "A": "а", "B": "би", "C": "си", "D": "ди", "E": "и", "F": "еф", "G": "джи", "H": "ейч",
    "I": "ай", "J": "джей", "K": "кей", "L": "ел", "M": "ем", "N": "ен", "O": "оу", "P": "пи",
    "Q": "кю", "R": "ар", "S": "ес", "T": "ти", "U": "ю", "V": "ви", "W": "дабъл ю", "X": "екс",
    "Y": "уай", "Z": "зед",
}  # fmt: skip
# Cyrillic letters by their names ("бъ", "въ"…), for references a profile writes in Cyrillic.
_BG_CYRILLIC_LETTERS = {
    "А": "а", "Б": "бъ", "В": "въ", "Г": "гъ", "Д": "дъ", "Е": "е", "Ж": "жъ", "З": "зъ",
    "И": "и", "Й": "и кратко", "К": "къ", "Л": "лъ", "М": "мъ", "Н": "нъ", "О": "о", "П": "пъ",
    "Р": "ръ", "С": "съ", "Т": "тъ", "У": "у", "Ф": "фъ", "Х": "хъ", "Ц": "цъ", "Ч": "чъ",
    "Ш": "шъ", "Щ": "щъ", "Ъ": "ъ", "Ь": "ер малък", "Ю": "ю", "Я": "я",
}  # fmt: skip


def _spelled(letters: str, lang: str) -> str:
    if lang == "bg":
        return " ".join(
            _BG_LATIN_LETTERS.get(letter) or _BG_CYRILLIC_LETTERS.get(letter) or letter
            for letter in letters.upper()
        )
    return " ".join(letters.upper())


def _number_with_zeros(digits: str, lang: str) -> str:
    """ "00042" → "нула нула нула четиридесет и две": the printed zeros, then the number."""
    stripped = digits.lstrip("0")
    zeros = len(digits) - len(stripped)
    words = [spoken_digits("0" * zeros, lang)] if zeros else []
    if stripped:
        words.append(spoken_number(int(stripped), lang))
    return " ".join(words)


_REFERENCE = re.compile(r"^([A-ZА-Я]+)(\d+)-(\d+)$")
_DASH = {"bg": "тире", "en": "dash"}


def spoken_reference(reference: str, lang: str = "bg") -> str:
    """A request's reference: "DZH1-00042" → "ди зед ейч едно, тире, нула нула нула
    четиридесет и две". Anything that is not a reference is spelled character by character."""
    match = _REFERENCE.match(reference.strip().upper())
    if not match:
        return _spell_any(reference, lang)
    letters, kiosk_number, counter = match.groups()
    return (
        f"{_spelled(letters, lang)} {_number_with_zeros(kiosk_number, lang)}, "
        f"{_DASH[lang]}, {_number_with_zeros(counter, lang)}"
    )


def _spell_any(text: str, lang: str) -> str:
    words = []
    for token in re.findall(r"\d+|[^\W\d_]+|-", text):
        if token == "-":
            words.append(_DASH[lang])
        elif token.isdigit():
            words.append(spoken_digits(token, lang))
        else:
            words.append(_spelled(token, lang))
    return ", ".join(words)


def spoken_identifier(digits: str, lang: str = "bg") -> str:
    """An ЕГН or ЛНЧ digit by digit in its groups (YYMMDD, serial, check digit) with pauses:
    "7523169263" → "седем пет, две три, едно шест, девет две шест, три"."""
    digits = "".join(ch for ch in digits if ch.isdigit())
    if len(digits) != 10:
        return spoken_digits(digits, lang)
    groups = [digits[0:2], digits[2:4], digits[4:6], digits[6:9], digits[9]]
    return ", ".join(spoken_digits(group, lang) for group in groups)


def spoken_date(value: date, lang: str = "bg") -> str:
    """ "2026-12-01" → "първи декември две хиляди двадесет и шеста година"."""
    if lang == "bg":
        return (
            f"{_bg_ordinal(value.day, 'm')} {_BG_MONTHS[value.month - 1]} "
            f"{_bg_ordinal(value.year, 'f')} година"
        )
    return f"the {_en_ordinal(value.day)} of {_EN_MONTHS[value.month - 1]} {_en_year(value.year)}"


def spoken_amount(cents: int, lang: str = "bg") -> str:
    """An amount in euro cents: 1234 → "дванадесет евро и тридесет и четири евроцента"."""
    euros, rest = divmod(abs(cents), 100)
    if lang == "bg":
        # "евро" is neuter and does not change; "евроцент" is masculine: "два евроцента".
        words = f"{_bg_number(euros, 'n')} евро"
        if rest:
            cent_word = "евроцент" if rest == 1 else "евроцента"
            words += f" и {_bg_number(rest, 'm')} {cent_word}"
        return words
    words = f"{_en_number(euros)} euro"
    if rest:
        words += f" and {_en_number(rest)} cent" + ("" if rest == 1 else "s")
    return words


# ---- inside a sentence --------------------------------------------------------------------------

_PATTERNS = re.compile(
    r"(?P<reference>\b[A-ZА-Я]{2,5}\d{1,3}-\d{3,}\b)"
    r"|(?P<iso_date>\b\d{4}-\d{2}-\d{2}\b)"
    r"|(?P<bg_date>\b\d{1,2}\.\d{1,2}\.\d{4}\b)(?:\s?г\.)?"
    r"|(?P<amount>\b\d+(?:[,.]\d{1,2})?)\s?(?:евро|EUR|€|euro)"
    r"|(?P<identifier>\b\d{10}\b)"
    r"|(?P<number>\b\d+\b)"
)


def speakable(text: str, lang: str = "bg") -> str:
    """The text as it should be spoken: references, dates, amounts, ЕГН and numbers in words."""

    def replace(match: re.Match) -> str:
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "reference":
            return spoken_reference(value, lang)
        if kind in ("iso_date", "bg_date"):
            try:
                if kind == "iso_date":
                    parsed = date.fromisoformat(value)
                else:
                    day, month, year = (int(part) for part in value.split("."))
                    parsed = date(year, month, day)
            except ValueError:
                return spoken_digits(value, lang)
            # "03.12.2026 г." — the abbreviation's full stop often ends the sentence too.
            ending = "." if match.group(0).endswith("г.") else ""
            return spoken_date(parsed, lang) + ending
        if kind == "amount":
            whole, _, fraction = value.replace(".", ",").partition(",")
            cents = int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)
            return spoken_amount(cents, lang)
        if kind == "identifier":
            return spoken_identifier(value, lang)
        return spoken_number(int(value), lang)

    return _PATTERNS.sub(replace, text)
