"""Bulgarian (the default) and English for the office; the texts themselves are in
:mod:`.texts`. Templates call ``t("key")``; views flash with :func:`flash_t`.

The language is kept in the session, so it survives signing in and out; the switch in the page
header is a small POST form (with its CSRF token, like every form).
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, request, session, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

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
    return {"t": t, "t_or": t_or, "name_of": name_of, "user": g.get("user"), "lines": lines}


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
