"""Bulgarian (the default) and English for the office; the texts themselves are in
:mod:`.texts`. Templates call ``t("key")``; views flash with :func:`flash_t`.

Numbers with a noun and amounts go through :mod:`sync.wording`, as at the kiosk: templates
call ``counted(3, "kiosk")`` ("3 киоска") and write ``cents | money`` ("12,34 евро"); a text
places them whole (``{kiosks}``), never as "{count} киоска". Words that follow a person's sex
("роден"/"родена") are two texts, ``key_M`` and ``key_F``, chosen by :func:`t_sex` from the
register's sex.

The language is kept in the session, so it survives signing in and out; the switch in the page
header is a small POST form (with its CSRF token, like every form).
"""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, flash, g, redirect, request, session, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from sync import wording

from ..errors import InvalidInputError
from .blueprint import bp
from .roles import PUBLIC, access
from .texts import TEXTS

LANGUAGES = ("bg", "en")
DEFAULT_LANGUAGE = "bg"


def language() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values) -> str:
    """The text ``key`` in the current language, with ``{name}`` places filled in."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry[language()] if language() in entry else entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def t_sex(key: str, sex: str | None, **values) -> str:
    """The text ``key_M`` or ``key_F`` for a person of that sex in the register; ``key`` (the
    neutral "Роден/а") only when the register does not say."""
    gendered = f"{key}_{sex}"
    return t(gendered if gendered in TEXTS else key, **values)


def counted(count: float, noun: str) -> str:
    """``count`` with ``noun`` in the form that number takes, in the current language."""
    return wording.counted(count, noun, language())


def money(cents: int | None) -> str:
    """An amount kept in euro cents, as the current language writes it ("12,34 евро")."""
    return wording.money(Decimal(cents or 0) / 100, language())


def t_or(key: str, fallback) -> str:
    """The text ``key`` if there is one, else ``fallback`` as it is (a value from a kiosk)."""
    return t(key) if key in TEXTS else str(fallback or "")


def flash_t(key: str, category: str = "info", **values) -> None:
    flash(t(key, **values), category)


def name_of(names) -> str:
    """A ``{bg, en}`` name from the catalogue or a notice, in the current language."""
    if isinstance(names, dict):
        return names.get(language()) or names.get(DEFAULT_LANGUAGE) or ""
    return str(names or "")


def lines(text: str) -> Markup:
    """Plain text with its line breaks kept (escaped first)."""
    return Markup("<br>").join(escape(text or "").splitlines())


@bp.app_template_global()
def lang() -> str:
    return language()


@bp.context_processor
def inject():
    return {
        "t": t,
        "t_or": t_or,
        "t_sex": t_sex,
        "counted": counted,
        "name_of": name_of,
        "user": g.get("user"),
        "lines": lines,
    }


@bp.app_template_filter("money")
def _money_filter(cents: int | None) -> str:
    return money(cents)


@bp.app_template_filter("euro")
def _euro_filter(amount) -> str:
    """An amount already in euro (the catalogue's ``fee_eur``)."""
    return wording.money(amount, language())


@bp.post("/language")
@access(PUBLIC)
def set_language():
    chosen = request.form.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    target = request.form.get("next") or ""
    refuse_control_characters(target)
    if not _reopenable(target):
        target = url_for("office.home")
    return redirect(target)


def refuse_control_characters(target: str) -> None:
    """A ``next`` address with CR, LF or another control character is refused (400): it could
    only be meant to split the redirect's headers."""
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        raise InvalidInputError("The 'next' address holds control characters: open the page again.")


def _reopenable(target: str) -> bool:
    """An office page that a GET can open again (not off-site, not a form's answer)."""
    if not target.startswith("/office/") or target.startswith("//"):
        return False
    try:
        current_app.url_map.bind("localhost").match(target.split("?", 1)[0], method="GET")
    except HTTPException:
        return False
    return True
