"""Turning an exception from the worker into words for the person at the kiosk.

The application layer's errors carry a stable ``code``; each code we expect has a text of its
own in both languages. Anything else becomes a calm "something went wrong, ask staff" message:
a kiosk never shows a traceback.
"""

from __future__ import annotations

from .i18n import Translator

#: error code -> text key; the texts say what happened and what to do.
KNOWN_CODES = {
    "wrong_pin": "pin.wrong",
    "pin_locked": "pin.locked",
    "unknown_reference": "status.unknown",
    "not_enrolled": "error.not_enrolled",
    "unknown_service": "error.unknown_service",
    "invalid_request": "error.invalid_request",
    "not_allowed": "error.not_allowed",
    "fee_due": "staff.refused_fee_due",
    "identity_check_needed": "staff.handover_need_id",
    "handover_reported": "staff.refused_handover_reported",
    "document_error": "error.document",
    "store_error": "error.store",
    "print_error": "error.printer",
}


def describe(tr: Translator, error: BaseException) -> str:
    code = getattr(error, "code", "")
    key = KNOWN_CODES.get(code)
    if key == "pin.wrong":
        left = getattr(error, "attempts_left", None)
        return tr.t(key, attempts=tr.count(left, "attempt") if left is not None else "?")
    if key == "pin.locked":
        return tr.t(key, until=tr.date_time(getattr(error, "locked_until", None)))
    if key is not None:
        return tr.t(key)
    if type(error).__module__.startswith("sync"):
        return tr.t("error.connection")
    if type(error).__module__.startswith("printing"):
        return tr.t("error.printer")
    return tr.t("error.unexpected")


def staff_detail(tr: Translator, error: BaseException) -> str:
    """For the staff panel: the text above, and the application's own explanation under it."""
    text = describe(tr, error)
    if getattr(error, "code", "") in ("fee_due", "identity_check_needed", "handover_reported"):
        return text  # said in full, in the staff's language
    detail = getattr(error, "message", "") or str(error)
    return f"{text}\n{detail}" if detail and detail != text else text
