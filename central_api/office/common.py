"""What every office page shares: the municipality, names of villages and states, dates, the
error pages.

Errors inside the office are pages in the reader's language, not the API's JSON: a refused
role (403), an unknown page (404), a form whose CSRF token expired (400), and domain errors
(:class:`central_api.errors.CentralError`) with their message.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import abort, current_app, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from sync.municipality import Municipality
from sync.states import OPEN_STATES

from ..db import read
from ..errors import CentralError
from ..municipality import current_municipality
from .auth import engine
from .blueprint import bp
from .i18n import language, t
from .roles import PUBLIC, access
from .texts import TEXTS


def municipality() -> Municipality:
    """The municipality profile in force, read once per page."""
    if "municipality" not in g:
        with read(engine()) as conn:
            g.municipality = current_municipality(conn)
    return g.municipality


def village_codes() -> tuple[str, ...]:
    """The villages (settlements with information centres), in the profile's order."""
    return tuple(settlement.code for settlement in municipality().villages)


def village_label(code: str | None) -> str:
    if not code:
        return "—"
    return municipality().settlement_name(code, language())


def status_label(status: str | None) -> str:
    return t(f"status_{status}") if status else "—"


def when(text: str | None) -> str:
    """``2026-11-25T09:10:11Z`` as ``25.11.2026 11:10`` in Bulgarian time (EET/EEST)."""
    if not text:
        return "—"
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return text
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo("Europe/Sofia"))
    return local.strftime("%d.%m.%Y %H:%M")


def local_when(text: str | None) -> str:
    """A moment already in local time, as forms give it ("2026-12-17T09:00"): "17.12.2026 09:00"."""
    if not text:
        return "—"
    try:
        return datetime.fromisoformat(text).strftime("%d.%m.%Y %H:%M")
    except ValueError:
        return text


def day(text: str | None) -> str:
    if not text:
        return "—"
    try:
        return date.fromisoformat(text[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return text


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def is_overdue(request_row: dict) -> bool:
    due = request_row.get("due_date")
    return bool(due) and request_row.get("status") in OPEN_STATES and due < today()


@bp.get("/coat-of-arms")
@access(PUBLIC)
def coat_of_arms():
    """The municipality's coat of arms from its profile (the header and the tab's icon)."""
    profile = municipality()
    if not profile.coat_of_arms_data:
        abort(404)
    response = make_response(profile.coat_of_arms_data)
    response.mimetype = profile.coat_of_arms_media_type
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.app_template_filter("office_when")
def _when_filter(text):
    return when(text)


@bp.app_template_filter("office_local_when")
def _local_when_filter(text):
    return local_when(text)


@bp.app_template_filter("office_day")
def _day_filter(text):
    return day(text)


@bp.context_processor
def helpers():
    return {
        "village_label": village_label,
        "status_label": status_label,
        "is_overdue": is_overdue,
        "village_codes": village_codes,
        "municipality": municipality,
        # Approving asks for the signing token's PIN when the key is on a token.
        "signing_needs_pin": current_app.extensions["central"].signing_needs_pin,
    }


# Everything the office shows comes from the office itself: no frames, no foreign scripts.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@bp.after_request
def _security_headers(response):
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")  # pages hold personal data
    return response


def error_page(status: int, title_key: str, message: str):
    return render_template(
        "office/error.html", status=status, title=t(title_key), message=message
    ), status


@bp.errorhandler(CSRFError)
def _csrf_error(_exc):
    return error_page(400, "error_form_title", t("error_csrf"))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    if exc.code == 403:
        return error_page(403, "error_forbidden_title", t("error_forbidden"))
    if exc.code == 404:
        return error_page(404, "error_not_found_title", t("error_not_found"))
    return error_page(exc.code or 500, "error_form_title", exc.description or "")


@bp.errorhandler(CentralError)
def _central_error(exc: CentralError):
    key = f"refused_{exc.code}"
    message = f"{t(key)} ({exc.message})" if key in TEXTS else exc.message
    return error_page(exc.http_status, "error_central_title", message)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    current_app.logger.exception("Unexpected error on %s", request.path)
    return error_page(500, "error_central_title", t("error_unexpected"))
