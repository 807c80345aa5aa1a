"""What a certificate states, taken from the registers: plain JSON-able dicts ("facts").

The review (:mod:`central_api.review`) builds them from the register at the moment of approval;
the document's text (:mod:`central_api.documents.texts`) is written from them alone, and
the QR statement signs their hash. Nothing here reads a request's answers.
"""

from __future__ import annotations

from sync.municipality import Municipality

from . import registers

TAX_SCOPES = {
    "all": ("property", "waste", "vehicle"),
    "property": ("property", "waste"),
    "vehicle": ("vehicle",),
}


def place(settlement: str, municipality: Municipality) -> dict:
    """The settlement with its municipality and province, as an address names them (from the
    municipality profile)."""
    known = municipality.has_settlement(settlement)
    return {
        "code": settlement,
        "settlement": municipality.settlement(settlement).label_bg if known else settlement,
        "municipality": municipality.name.bg,
        "province": municipality.province.bg,
    }


def person_facts(person: registers.Person) -> dict:
    return {
        "names": person.full_name,
        "egn": person.egn,
        "lnch": person.lnch,
        "birth_date": person.birth_date,
        "sex": person.sex,
    }


def _address(address: registers.Address, place_of) -> dict:
    return {
        **place_of(address.settlement),
        "address": address.address,
        "registered_on": address.registered_on,
    }


def address_facts(record: registers.PersonRecord, address: registers.Address, place_of) -> dict:
    return {
        "kind": "address",
        "on": record.on,
        "person": person_facts(record.person),
        "address_kind": address.kind,
        "address": _address(address, place_of),
    }


def marital_facts(record: registers.PersonRecord, with_family: bool, place_of) -> dict:
    person = record.person
    status_bg = record.marital_status_text[0]
    facts = {
        "kind": "marital_status",
        "on": record.on,
        "person": person_facts(person),
        "marital_status": record.marital_status,
        "marital_status_bg": status_bg,
        "spouse": person_facts(record.spouse) if record.spouse else None,
        "children": None,
    }
    if with_family:
        facts["children"] = [
            {**person_facts(child), "alive": child.alive_on(record.on)} for child in record.children
        ]
    if record.permanent_address is not None:
        facts["address"] = _address(record.permanent_address, place_of)
    return facts


def children_facts(record: registers.PersonRecord, place_of) -> dict:
    """The children the register links to ``record``'s person as their mother, oldest first."""
    mother = record.person
    children = [child for child in record.children if child.mother_id == mother.id]
    facts = {
        "kind": "children_of_mother",
        "on": record.on,
        "person": person_facts(mother),
        "children": [
            {**person_facts(child), "alive": child.alive_on(record.on), "died_on": child.death_date}
            for child in children
        ],
    }
    if record.permanent_address is not None:
        facts["address"] = _address(record.permanent_address, place_of)
    return facts


def heirs_facts(
    result: registers.HeirsResult,
    deceased: registers.PersonRecord,
    applicant: registers.PersonRecord | None,
    place_of,
) -> dict:
    person = result.deceased
    return {
        "kind": "heirs",
        "deceased": {
            **person_facts(person),
            "death_date": person.death_date,
            "death_act": person.death_act,
            "death_place": person.death_place,
            "last_address": _address(deceased.permanent_address, place_of)
            if deceased.permanent_address
            else None,
        },
        "applicant": person_facts(applicant.person) if applicant else None,
        "heirs": [
            {
                **person_facts(entry.person),
                "relation_bg": entry.relation_bg,
                "alive": entry.person.death_date is None,
                "died_on": entry.person.death_date,
                "article": entry.article,
                "in_place_of": entry.in_place_of,
            }
            for entry in result.heirs
        ],
    }


def debts_facts(
    statement: registers.DebtStatement,
    taxpayer: registers.PersonRecord,
    scope: str,
    place_of,
) -> dict:
    kinds = TAX_SCOPES.get(scope, TAX_SCOPES["all"])
    debts = [debt for debt in statement.debts if debt.kind in kinds]
    return {
        "kind": "tax_debts",
        "on": statement.on,
        "person": person_facts(taxpayer.person),
        "scope": scope,
        "debts": [
            {
                "kind": debt.kind,
                "kind_bg": debt.kind_text[0],
                "object": debt.object_identifier,
                "object_address": debt.object_address,
                "year": debt.year,
                "outstanding_cents": debt.outstanding_cents,
                "due_date": debt.due_date,
            }
            for debt in debts
        ],
        "total_cents": sum(debt.outstanding_cents for debt in debts),
        "interest_note_bg": statement.interest_note[0],
    }


def refusal_facts(
    request: dict,
    service: dict,
    applicant: registers.PersonRecord | None,
    typed: dict,
    *,
    reasons: str,
    legal_basis: str,
    official: str,
    official_title: str,
    municipality: Municipality,
) -> dict:
    """What a written refusal states: the clerk's decision on the request, and to whom."""
    if applicant is not None:
        addressee = {**person_facts(applicant.person), "as_typed": False}
    else:  # not in the register: the addressee as the form names them, and it says so
        names = " ".join(
            str(typed.get(key) or "").strip() for key in ("first_name", "middle_name", "last_name")
        )
        # the form may give only the number (the register would have named the person)
        kind = typed.get("personal_number_kind")
        number = str(typed.get("personal_number") or typed.get("egn") or "").strip() or None
        addressee = {
            "names": " ".join(names.split()),
            "egn": number if kind in ("egn", None) else None,
            "lnch": number if kind == "lnch" else None,
            "as_typed": True,
        }
    return {
        "kind": "refusal",
        "service_id": service["id"],
        "service": (service.get("name") or {}).get("bg") or service["id"],
        "reference": request["reference"],
        "submitted_on": (request.get("submitted_at") or request["created_at"])[:10],
        "village": place(request["village"], municipality)["settlement"],
        "applicant": addressee,
        "legal_basis": legal_basis,
        "reasons": reasons,
        "refused_by": official,
        "refused_by_title": official_title,
        "appeal": {
            "through": f"Кмета на {municipality.official_name.bg}",
            # The administrative court of the province (its seat names it).
            "court": f"Административен съд – {municipality.province.bg}",
            "days": 14,
        },
    }
