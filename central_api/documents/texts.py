"""The Bulgarian wording of each certificate, chosen by service id (or register code).

Each builder returns a :class:`CertificateText`: the title, the subtitle and the paragraphs of the
body as plain text (the renderer escapes them). Unknown services get a generic certificate that
lists the data of the request.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .content import full_name, village_name

LEGAL_BASIS_POPULATION = (
    "Удостоверението се издава въз основа на данните в регистъра на населението "
    "(Закон за гражданската регистрация)."
)

ADDRESS_PARTS = (
    ("district", "обл. {}"),
    ("municipality", "общ. {}"),
    ("settlement", "{}"),
    ("quarter", "кв. {}"),
    ("street", "ул. {}"),
    ("street_number", "№ {}"),
    ("block", "бл. {}"),
    ("entrance", "вх. {}"),
    ("floor", "ет. {}"),
    ("apartment", "ап. {}"),
)


@dataclass
class CertificateText:
    title: str
    subtitle: str
    paragraphs: list[str]
    listing: list[str] = field(default_factory=list)  # numbered lines (heirs)


def format_date(value) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y") + " г."
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d.%m.%Y") + " г."
    except ValueError:
        return str(value)


def format_address(fields: dict, prefix: str = "", village_code: str | None = None) -> str:
    """An address from its parts (``street``, ``street_number``...) or a single ``address``."""
    whole = fields.get(f"{prefix}address")
    if isinstance(whole, str) and whole.strip():
        return whole.strip()
    parts = []
    for key, pattern in ADDRESS_PARTS:
        value = fields.get(f"{prefix}{key}")
        if value not in (None, ""):
            parts.append(pattern.format(str(value).strip()))
    if parts and not fields.get(f"{prefix}settlement") and village_code:
        parts.insert(0, f"с. {village_name(village_code)}")
    if parts and not fields.get(f"{prefix}municipality"):
        parts.insert(0, "обл. Велико Търново, общ. Лясковец")
    return ", ".join(parts)


def person(fields: dict, prefix: str = "") -> str:
    """``Иван Петров Иванов, ЕГН 7523169263`` (a certificate shows the full ЕГН)."""
    text = full_name(fields, prefix)
    egn = fields.get(f"{prefix}egn")
    if egn:
        text += f", ЕГН {egn}"
    elif fields.get(f"{prefix}birth_date"):
        text += f", роден/а на {format_date(fields[f'{prefix}birth_date'])}"
    return text


def _purpose(fields: dict) -> list[str]:
    purpose = fields.get("purpose")
    return [f"Удостоверението да послужи пред: {purpose}."] if purpose else []


def permanent_address(service: dict, request: dict) -> CertificateText:
    fields = request.get("fields") or {}
    address = format_address(fields, village_code=request.get("village")) or "—"
    return CertificateText(
        "УДОСТОВЕРЕНИЕ",
        "за постоянен адрес",
        [
            f"Удостоверява се, че {person(fields)}, е с постоянен адрес: {address}.",
            LEGAL_BASIS_POPULATION,
            *_purpose(fields),
        ],
    )


def current_address(service: dict, request: dict) -> CertificateText:
    fields = request.get("fields") or {}
    address = format_address(fields, village_code=request.get("village")) or "—"
    return CertificateText(
        "УДОСТОВЕРЕНИЕ",
        "за настоящ адрес",
        [
            f"Удостоверява се, че {person(fields)}, е с настоящ адрес: {address}.",
            LEGAL_BASIS_POPULATION,
            *_purpose(fields),
        ],
    )


def marital_status(service: dict, request: dict) -> CertificateText:
    fields = request.get("fields") or {}
    status = fields.get("marital_status") or "според регистъра на населението"
    paragraphs = [f"Удостоверява се, че {person(fields)}, е със семейно положение: {status}."]
    if fields.get("spouse_first_name") or fields.get("spouse_name"):
        paragraphs.append(f"Съпруг/а: {person(fields, 'spouse_')}.")
    children = fields.get("children") or []
    listing = [person(child) for child in children if isinstance(child, dict)]
    if listing:
        paragraphs.append("Деца:")
    return CertificateText(
        "УДОСТОВЕРЕНИЕ",
        "за семейно положение",
        paragraphs + [LEGAL_BASIS_POPULATION, *_purpose(fields)],
        listing,
    )


def heirs(service: dict, request: dict) -> CertificateText:
    fields = request.get("fields") or {}
    deceased = person(fields, "deceased_") or "—"
    details = []
    if fields.get("deceased_address") or fields.get("deceased_street"):
        details.append(
            "с последен постоянен адрес "
            + format_address(fields, "deceased_", village_code=request.get("village"))
        )
    if fields.get("date_of_death"):
        details.append(f"починал/а на {format_date(fields['date_of_death'])}")
    if fields.get("death_act_number"):
        act = f"акт за смърт № {fields['death_act_number']}"
        if fields.get("death_act_date"):
            act += f" от {format_date(fields['death_act_date'])}"
        if fields.get("death_act_place"):
            act += f", съставен в {fields['death_act_place']}"
        details.append(act)
    listing = []
    for heir in fields.get("heirs") or []:
        if not isinstance(heir, dict):
            continue
        line = person(heir)
        if heir.get("relation"):
            line += f" — {heir['relation']}"
        address = format_address(heir)
        if address:
            line += f", адрес: {address}"
        listing.append(line)
    opening = f"Удостоверява се, че {deceased}"
    if details:
        opening += ", " + ", ".join(details)
    opening += ", е оставил/а следните наследници по закон:"
    return CertificateText(
        "УДОСТОВЕРЕНИЕ",
        "за наследници",
        [
            f"По искане на {person(fields)}.",
            opening,
        ],
        listing or ["— няма вписани наследници —"],
    )


def tax_debts(service: dict, request: dict) -> CertificateText:
    fields = request.get("fields") or {}
    debt = fields.get("debt_eur") or fields.get("debts_eur")
    subject = fields.get("property") or fields.get("vehicle")
    about = f" по отношение на {subject}" if subject else ""
    if debt not in (None, "", 0, "0", "0.00"):
        finding = f"има задължения за местни данъци и такси{about} в размер на {debt} EUR."
    else:
        finding = f"няма задължения за местни данъци и такси{about} към Община Лясковец."
    return CertificateText(
        "УДОСТОВЕРЕНИЕ",
        "за наличие или липса на задължения",
        [
            f"Удостоверява се, че {person(fields)}, към датата на издаване {finding}",
            "Удостоверението се издава на основание чл. 87, ал. 6 от "
            "Данъчно-осигурителния процесуален кодекс.",
            *_purpose(fields),
        ],
    )


def covering_sheet_text(service: dict, request: dict, pages: int, sha256: str) -> CertificateText:
    """The sheet central appends to a document made in another system (``issuance: attached``).
    It states only what the office did: which document, how many pages, its fingerprint."""
    name = (service.get("name") or {}).get("bg") or str(service.get("id"))
    reference = request.get("reference") or ""
    return CertificateText(
        "ПРИДРУЖИТЕЛЕН ЛИСТ",
        f"към „{name}“",
        [
            f"Община Лясковец издава приложения документ „{name}“ ({pages} стр.)"
            + (f" по заявление {reference}." if reference else "."),
            "Документът е изготвен в информационната система на общината; той и този лист са "
            "подписани заедно с електронния подпис на общината и са едно цяло: всяка промяна "
            "в тях прави подписа невалиден.",
            "Отпечатък (SHA-256) на приложения документ: "
            + " ".join(sha256[start : start + 16] for start in range(0, len(sha256), 16))
            + ".",
        ],
    )


GENERIC_SKIPPED = {"first_name", "middle_name", "last_name", "egn", "purpose"}


def generic(service: dict, request: dict) -> CertificateText:
    fields = request.get("fields") or {}
    name = (service.get("name") or {}).get("bg") or str(service.get("id"))
    listing = [
        f"{key}: {value}"
        for key, value in sorted(fields.items())
        if key not in GENERIC_SKIPPED
        and value not in (None, "", [], {})
        and not isinstance(value, (list, dict))
    ]
    return CertificateText(
        "УДОСТОВЕРЕНИЕ" if name.lower().startswith("удостоверение") else "ДОКУМЕНТ",
        name,
        [
            f"Издава се на {person(fields)}, по заявление за услуга „{name}“.",
            "Данни от заявлението:" if listing else "",
            *_purpose(fields),
        ],
        listing,
    )


BUILDERS = {
    "permanent-address-certificate": permanent_address,
    "current-address-certificate": current_address,
    "marital-status-certificate": marital_status,
    "marital-status": marital_status,
    "heirs-certificate": heirs,
    "certificate-of-heirs": heirs,
    "heirs": heirs,
    "tax-debts-certificate": tax_debts,
    "local-tax-debts-certificate": tax_debts,
    "tax-debts": tax_debts,
}
BUILDERS_BY_REGISTER_CODE = {
    "2128": permanent_address,
    "1997": current_address,
    "2016": heirs,
    "1998": tax_debts,
}


def certificate_text(service: dict, request: dict) -> CertificateText:
    builder = BUILDERS.get(str(service.get("id")))
    if builder is None:
        builder = BUILDERS_BY_REGISTER_CODE.get(str(service.get("register_code")), generic)
    text = builder(service, request)
    text.paragraphs = [paragraph for paragraph in text.paragraphs if paragraph]
    return text
