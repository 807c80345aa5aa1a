"""The villager's slip: reference and its check code, service, fee, expected date, where to
collect, the mayoralty's phone, and the QR of the reference, printed when a request is made.
No Qt (:class:`kiosk_app.app.KioskApp` calls it)."""

from __future__ import annotations

import datetime as dt

from printing.receipts import Receipt, receipt_facts, render_receipt
from sync import wording
from sync.catalogue import tier_fee_cents
from sync.deadlines import chosen_tier, service_due_date

from .documents import print_pdf
from .errors import writing


def print_slip(
    config, reference: str, service: dict, info, now: dt.datetime, tier=None, check_code=""
):
    """Render and print the slip of ``reference``; ``{"expected_date", "status", "slip"}``,
    ``slip`` what it states in each language (``{"bg": facts, "en": facts}``,
    :func:`printing.receipts.receipt_facts`), for the screen to show and read aloud. The
    municipality's and the village's names come from ``info`` (:class:`services.KioskInfo`,
    from the municipality profile central sent)."""
    # The same rule as central's due date (sync.deadlines), in Sofia time.
    tier = chosen_tier(service, tier)
    expected = service_due_date(service, tier, now)
    cents = tier_fee_cents(service, tier)
    receipt = Receipt(
        reference=reference,
        service=service["name"]["bg"],
        service_en=service["name"]["en"],
        village=info.village_name.get("bg", info.village),
        village_en=info.village_name.get("en"),
        municipality=info.municipality_name.get("bg", ""),
        municipality_en=info.municipality_name.get("en", ""),
        issued_at=now,
        expected_date=expected,
        collect=(service.get("collect") or {}).get("bg"),
        collect_en=(service.get("collect") or {}).get("en"),
        check_code=check_code,
        fee=_fee(cents, "bg"),
        fee_en=_fee(cents, "en"),
        phone=info.village_phone,
    )
    with writing(f"the slip of {reference}"):
        config.spool_dir.mkdir(parents=True, exist_ok=True)
        path = render_receipt(receipt, config.spool_dir / f"receipt-{reference}.pdf")
    result = print_pdf(config, path, f"Receipt {reference}")
    return {
        "expected_date": expected.isoformat() if expected else None,
        "status": result.state,
        "slip": {language: receipt_facts(receipt, language) for language in ("bg", "en")},
    }


def _fee(cents: int | None, language: str) -> str:
    if cents is None:
        return ""
    if cents == 0:
        return "безплатно" if language == "bg" else "free"
    return wording.money(cents / 100, language)
