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
        return tr.t("deadline.hours", n=amount)
    return tr.t("deadline.working_days", n=amount)


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


def group_title(tr: Translator, group: str) -> str:
    key = f"group.{group}"
    text = tr.t(key)
    return tr.t("group.other") if text == key else text


def form_pages(service: dict, per_page: int) -> list[list[dict]]:
    """Fields cut into pages: a page never mixes groups and never holds more than ``per_page``.

    A ``<name>_kind`` choice stays on the page of the number it describes, just before it.
    """
    pages: list[list[dict]] = []
    current: list[dict] = []
    group = None
    for field in service.get("fields") or []:
        if current and (
            field.get("group") != group or (len(current) >= per_page and not _pair(current))
        ):
            pages.append(current)
            current = []
        current.append(field)
        group = field.get("group")
    if current:
        pages.append(current)
    return pages


def _pair(current: list[dict]) -> bool:
    """True when the page ends with a ``_kind`` choice that must stay with the next field."""
    last = current[-1]
    return last["name"].endswith("_kind") and last.get("type") == "choice"


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
