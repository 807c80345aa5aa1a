"""How a catalogue entry (format: ``sync/catalogue.py``) reads on the kiosk: fees, deadlines,
what to bring, and the form cut into pages of a few fields each."""

from __future__ import annotations

from .i18n import Translator


def tiers_of(service: dict) -> list[dict]:
    return list(service.get("tiers") or [])


def deadline_text(tr: Translator, deadline: dict | None) -> str:
    if not deadline:
        return ""
    ((kind, amount),) = deadline.items()
    if kind == "immediate":
        return tr.t("deadline.immediate")
    if kind == "hours":
        return tr.t("deadline.hours", hours=tr.count(amount, "hour"))
    if kind == "calendar_days":
        return tr.t("deadline.calendar_days", days=tr.count(amount, "day"))
    return tr.t("deadline.working_days", days=tr.count(amount, "working_day"))


def fee_text(tr: Translator, service: dict) -> str:
    """The cheapest tier's fee: "2,50 €", or "from 2,50 €" when faster tiers cost more."""
    tiers = tiers_of(service)
    if not tiers:
        return ""
    fees = sorted(float(tier.get("fee_eur") or 0) for tier in tiers)
    cheapest = tr.money(fees[0])
    return tr.t("services.fee_from", fee=cheapest) if fees[-1] > fees[0] else cheapest


def slowest_deadline(tr: Translator, service: dict) -> str:
    tiers = tiers_of(service)
    return deadline_text(tr, tiers[0].get("deadline")) if tiers else ""


def bring_text(tr: Translator, service: dict) -> str:
    items = (service.get("bring") or {}).get(tr.language) or []
    return "; ".join(items) if items else tr.t("services.bring_nothing")


def authority_lines(tr: Translator, service: dict) -> list[str]:
    """Who issues the document, and for the municipal centre's services that the request
    travels there (catalogue ``authority``); nothing for a catalogue that does not say."""
    authority = service.get("authority") or {}
    if not authority.get("name"):
        return []
    lines = [tr.t("services.issued_by", who=tr.pick(authority["name"]))]
    if authority.get("level") == "municipal_centre":
        lines.append(tr.t("services.routed_to_centre"))
    return lines


def page_title(tr: Translator, page: list[dict]) -> str:
    """A page's title: its group's, or "the last questions" for purpose and contact together."""
    groups = {field.get("group") for field in page}
    if len(groups) > 1 and section(page[0]) == CLOSING:
        return tr.t("group.closing")
    return group_title(tr, page[0].get("group", ""))


def group_title(tr: Translator, group: str) -> str:
    key = f"group.{group}"
    text = tr.t(key)
    return tr.t("group.other") if text == key else text


# Who the document is for decides what else is asked, so it is asked first. What the document
# is for and how to reach the villager (phone and e-mail, optional) close the form, in that
# order, as one section: one page where the page size allows.
FIRST_GROUPS = ("subject",)
LAST_GROUPS = ("purpose", "contact")
CLOSING = "closing"
CLOSING_PER_PAGE = 3


def section(field: dict) -> str:
    """The part of the form a field belongs to: its group, the closing groups as one."""
    group = field.get("group") or ""
    return CLOSING if group in LAST_GROUPS else group


def is_asked(field: dict, answers: dict | None) -> bool:
    """A field asked only in some case (``required_if``) is asked when that case holds.

    "For me" leaves out the other person's names and number; "debts for a property" asks the
    property's address and not the vehicle's registration.
    """
    condition = field.get("required_if")
    if not condition:
        return True
    return str((answers or {}).get(condition["field"], "")).strip() == condition["value"]


def asked_fields(service: dict, answers: dict | None = None) -> list[dict]:
    """The fields the villager is asked, in the order they are asked, for these answers."""
    fields = list(service.get("fields") or [])
    first = [field for field in fields if field.get("group") in FIRST_GROUPS]
    last = [field for group in LAST_GROUPS for field in fields if field.get("group") == group]
    rest = [field for field in fields if field not in first and field not in last]
    return [field for field in first + rest + last if is_asked(field, answers)]


def asked_answers(service: dict, answers: dict) -> dict:
    """The answers to the fields asked, without blanks: an answer typed before the villager
    changed their mind ("for another person", then "for me") is not sent."""
    names = {field["name"] for field in asked_fields(service, answers)}
    names |= {f"{name}_kind" for name in names}
    return {name: value for name, value in answers.items() if name in names and str(value).strip()}


def form_pages(service: dict, per_page: int, answers: dict | None = None) -> list[list[dict]]:
    """The asked fields cut into pages: a page never mixes sections (:func:`section`) and never
    holds more than ``per_page``, except the closing section (purpose and contact: short,
    mostly optional answers), which takes up to :data:`CLOSING_PER_PAGE` on a page even when
    ``per_page`` is smaller (the form lays them out compactly, :func:`is_compact`). A ``<name>_kind`` choice stays on the page of the number it describes, just
    before it. ``answers`` so far decide which fields are asked (:func:`is_asked`).
    """
    pages: list[list[dict]] = []
    current: list[dict] = []
    part = None
    for field in asked_fields(service, answers):
        room = max(per_page, CLOSING_PER_PAGE) if part == CLOSING else per_page
        if current and (section(field) != part or (len(current) >= room and not _pair(current))):
            pages.append(current)
            current = []
        current.append(field)
        part = section(field)
    if current:
        pages.append(current)
    return pages


def is_compact(page: list[dict], per_page: int) -> bool:
    """True when a closing page holds more fields than the page size: its labels go beside
    the answers so that the page fits above the keyboard."""
    return section(page[0]) == CLOSING and len(page) > per_page


def _pair(current: list[dict]) -> bool:
    """True when the page ends with a ``_kind`` choice that must stay with the next field."""
    last = current[-1]
    return last["name"].endswith("_kind") and last.get("type") == "choice"


def needs_authorisation(answers: dict) -> bool:
    """The request is about another person ("for another person"), or the applicant says they
    are no heir of the deceased ("someone else with a legal interest"): staff check and record
    the power of attorney, the legal representation or the document of the legal interest (the
    same cases central's review blocks as ``authorisation_missing`` without one)."""
    return answers.get("for_whom") == "other" or answers.get("relation_to_deceased") == "other"


def matches(service: dict, query: str) -> bool:
    query = query.strip().casefold()
    if not query:
        return True
    haystack = " ".join(
        str(part)
        for part in (
            *(service.get("name") or {}).values(),
            *(service.get("summary") or {}).values(),
            service.get("register_code") or "",
        )
    ).casefold()
    return all(word in haystack for word in query.split())
