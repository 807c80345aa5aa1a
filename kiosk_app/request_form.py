"""The villager's signed request form: printed at submission, filed by staff, required before
the document is handed over.

A request is a written act of the applicant (АПК чл. 29), so at submission the kiosk prints the
filled-in form (:mod:`printing.request_form`) — the ИСКАНЕ with the request's reference as its
incoming number, the service from the catalogue and the villager's own answers — for the
villager to sign. Staff confirm on the screen (one tap, signed in with their PIN) or with
``kiosk-app staff form-filed REF --staff ID`` that the signed paper is filed; that is a
``request.form_filed`` record for central, which shows whether the signed request is on file.
Until then the document is not handed over (:func:`require_filed`). No Qt.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sync.deadlines import SOFIA, chosen_tier
from sync.wording import money

from . import municipality as municipality_profile
from .catalogue import find_service
from .documents import print_pdf
from .errors import NotAllowedError, UnknownReferenceError
from .store import KioskStore, enrollment_of, store_for, utc_now

if TYPE_CHECKING:
    from printing.request_form import RequestForm

LEGAL_BASIS = "чл. 29 от Административнопроцесуалния кодекс"


def request_form(store: KioskStore, reference: str) -> RequestForm:
    """What the form of ``reference`` says: the request's answers; the service's official name,
    legal basis and authority (the addressee) from the catalogue."""
    # On use: it loads reportlab, which the commands that only file or check a form do without.
    from printing.request_form import RequestForm

    row = _request(store, reference)
    if row["fields"] is None:
        raise NotAllowedError(
            f"Данните на {row['reference']} вече са изтрити (срокът за съхранение изтече): "
            f"искането не може да се отпечата отново. / The request's data were purged."
        )
    service = find_service(store.catalogue(), row["service"])
    municipality = municipality_profile.required(store)
    village = municipality.settlement(enrollment_of(store)["village"])
    answers = []
    for field in service.get("fields") or []:
        value = (row["fields"] or {}).get(field["name"])
        if value in (None, "", False):
            continue
        answers.append((field["label"]["bg"], _shown(field, value)))
    submitted = _submitted_body(store, row["reference"])
    tier_id = chosen_tier(service, submitted.get("tier"))
    tier = next((t for t in service.get("tiers") or [] if t.get("id") == tier_id), None)
    amount = (row.get("fee") or {}).get("amount_cents")
    official = service["official_name"]["bg"]  # "Издаване на удостоверение за …"
    if service["authority"]["level"] == "mayoralty":
        addressee = (
            f"КМЕТА НА КМЕТСТВО {village.name.bg.upper()}\n{municipality.official_name.bg.upper()}"
        )
    else:
        addressee = f"КМЕТА НА {municipality.official_name.bg.upper()}"
    return RequestForm(
        reference=row["reference"],
        submitted_at=_local(row["submitted_at"]),
        municipality=municipality.official_name.bg,
        addressee=addressee,
        title="ИСКАНЕ",
        subject=f"за {official[0].lower()}{official[1:]}",
        legal_basis=f"{service['legal_basis']['bg']}; {LEGAL_BASIS}",
        answers=answers,
        tier=tier["name"]["bg"] if tier else "",
        fee=money(amount / 100) if isinstance(amount, int) else "",
        kiosk=f"информационния център в {village.name.bg}",
    )


def render_form(config, reference: str) -> Path:
    """The form of ``reference`` as a PDF in the kiosk's spool folder."""
    from printing.request_form import render_request_form  # on use: reportlab (see above)

    with store_for(config) as store:
        form = request_form(store, reference)
    config.spool_dir.mkdir(parents=True, exist_ok=True)
    return render_request_form(form, config.spool_dir / f"request-form-{form.reference}.pdf")


def print_form(config, reference: str) -> dict:
    """Render and print the form for the villager to sign; ``{"status"}`` of the print job."""
    path = render_form(config, reference)
    return {"status": print_pdf(config, path, f"Request form {reference}").state}


def filed(store: KioskStore, reference: str) -> dict | None:
    """``{"staff_id", "at"}`` once staff filed the signed form of ``reference``, else None."""
    for event in store.events_of(reference):
        if event["type"] == "request.form_filed":
            return {"staff_id": event["body"]["staff_id"], "at": event["body"]["at"]}
    return None


def record_filed(config, reference: str, staff_id: str, known_staff) -> dict:
    """Staff filed the villager's signed form: kept here, sent to central (``request.form_filed``).
    ``known_staff(store, staff_id)`` refuses someone not on the village's staff list."""
    with store_for(config) as store:
        row = _request(store, reference)
        known_staff(store, staff_id)
        already = filed(store, row["reference"])
        if already is not None:
            return already
        body = {"reference": row["reference"], "staff_id": staff_id, "at": utc_now()}
        with store.transaction():
            store.add_event("request.form_filed", body, reference=row["reference"])
        return {"staff_id": staff_id, "at": body["at"]}


def require_filed(store: KioskStore, reference: str) -> None:
    """Refuse to hand over a document whose signed request form is not on file."""
    if filed(store, reference) is None:
        raise NotAllowedError(
            f"Подписаното искане {reference} не е заведено: дайте на заявителя да подпише "
            "отпечатаното искане, заведете го и го потвърдете в панела на служителя, преди да "
            f"предадете документа. / The signed request form of {reference} is not on file: "
            "have the applicant sign it and confirm it is filed before handing over."
        )


def _request(store: KioskStore, reference: str) -> dict:
    row = store.request(reference.strip().upper())
    if row is None:
        raise UnknownReferenceError(
            f"No request {reference} was made at this kiosk: check the number on the slip."
        )
    return row


def _submitted_body(store: KioskStore, reference: str) -> dict:
    for event in store.events_of(reference):
        if event["type"] == "request.submitted":
            return event["body"]
    return {}


def _shown(field: dict, value) -> str:
    """An answer as the applicant chose it: an option's words, a date as 02.12.2026."""
    if field["type"] == "choice":
        for option in field.get("options") or []:
            if option.get("value") == value:
                return option["label"]["bg"]
    if field["type"] == "date" and isinstance(value, str) and len(value) == 10:
        return f"{value[8:10]}.{value[5:7]}.{value[:4]}"
    if value is True:
        return "да"
    return str(value)


def _local(stamp: str) -> dt.datetime:
    """A stored UTC time as the mayoralty's clock shows it (Europe/Sofia)."""
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(SOFIA)
