"""The Bulgarian wording of each certificate, written from its facts (never from a request).

Each builder takes the facts the review took from the registers
(:mod:`central_api.certificate_facts`) and returns a :class:`CertificateText`: the title, the
subtitle and the paragraphs of the body as plain text (the renderer escapes them). Gendered
words ("роден"/"родена") follow the register's sex. A service without a builder here has no
certificate central can write: it is ``attached`` or ``in_person`` in the catalogue.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from sync.municipality import Municipality
from sync.wording import by_sex, money

LEGAL_BASIS_POPULATION = (
    "Удостоверението се издава на основание чл. 106, ал. 1 от Закона за гражданската "
    "регистрация, въз основа на данните в регистъра на населението към {on}"
)


@dataclass
class CertificateText:
    title: str
    subtitle: str
    paragraphs: list[str]
    listing: list[str] = field(default_factory=list)  # numbered lines (heirs, debts, children)
    closing: list[str] = field(default_factory=list)  # paragraphs after the listing


def format_date(value) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y") + " г."
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d.%m.%Y") + " г."
    except ValueError:
        return str(value)


def format_address(address: dict) -> str:
    """``обл. Примерна, общ. Примерово, с. Горно Примерово, ул. „Васил Левски“ № 5``."""
    parts = [
        f"обл. {address['province']}",
        f"общ. {address['municipality']}",
        address["settlement"],
        address.get("address") or "",
    ]
    return ", ".join(part for part in parts if part)


def person(facts: dict, *, born: bool = True) -> str:
    """``Иван Петров Иванов, ЕГН 7523169263`` (a certificate shows the full ЕГН), or with the
    ЛНЧ, or with the birth date for a person who has neither."""
    text = facts["names"]
    if facts.get("egn"):
        text += f", ЕГН {facts['egn']}"
    elif facts.get("lnch"):
        text += f", ЛНЧ {facts['lnch']}"
    if born and facts.get("birth_date") and not facts.get("egn"):
        text += f", {by_sex(facts['sex'], 'роден', 'родена')} на {format_date(facts['birth_date'])}"
    return text


def address_certificate(service: dict, facts: dict, municipality: Municipality) -> CertificateText:
    kind = facts["address_kind"]
    who = facts["person"]
    address = facts["address"]
    since = (
        f" (вписан на {format_date(address['registered_on'])})"
        if address.get("registered_on")
        else ""
    )
    word = "постоянен" if kind == "permanent" else "настоящ"
    return CertificateText(
        "УДОСТОВЕРЕНИЕ",
        f"за {word} адрес",
        [
            f"Удостоверява се, че {person(who)}, "
            f"{by_sex(who['sex'], 'роден', 'родена')} на {format_date(who['birth_date'])}, "
            f"е с {word} адрес: {format_address(address)}{since}.",
            LEGAL_BASIS_POPULATION.format(on=format_date(facts["on"])),
        ],
    )


def marital_status(service: dict, facts: dict, municipality: Municipality) -> CertificateText:
    who = facts["person"]
    paragraphs = [
        f"Удостоверява се, че {person(who)}, "
        f"{by_sex(who['sex'], 'роден', 'родена')} на {format_date(who['birth_date'])}, "
        f"е със семейно положение: {facts['marital_status_bg']}."
    ]
    if facts.get("spouse"):
        spouse = facts["spouse"]
        paragraphs.append(f"{by_sex(spouse['sex'], 'Съпруг', 'Съпруга')}: {person(spouse)}.")
    listing = []
    if facts.get("children") is not None:
        listing = [
            person(child)
            + ("" if child["alive"] else f", {by_sex(child['sex'], 'починал', 'починала')}")
            for child in facts["children"]
        ]
        paragraphs.append("Деца:" if listing else "Деца: няма вписани в регистъра.")
    basis = LEGAL_BASIS_POPULATION.format(on=format_date(facts["on"]))
    return CertificateText("УДОСТОВЕРЕНИЕ", "за семейно положение", paragraphs, listing, [basis])


def children_of_mother(service: dict, facts: dict, municipality: Municipality) -> CertificateText:
    who = facts["person"]
    listing = []
    for child in facts["children"]:
        line = f"{person(child, born=False)}, {by_sex(child['sex'], 'роден', 'родена')} на "
        line += format_date(child["birth_date"])
        if child.get("died_on"):
            line += f", {by_sex(child['sex'], 'починал', 'починала')} на "
            line += format_date(child["died_on"])
        listing.append(line)
    finding = "е родила следните деца:" if listing else "няма вписани в регистъра родени деца."
    paragraphs = [
        f"Удостоверява се, че {person(who)}, родена на {format_date(who['birth_date'])}, " + finding
    ]
    basis = LEGAL_BASIS_POPULATION.format(on=format_date(facts["on"]))
    return CertificateText("УДОСТОВЕРЕНИЕ", "за родените от майката деца", paragraphs, listing,
                           [basis])  # fmt: skip


def heirs(service: dict, facts: dict, municipality: Municipality) -> CertificateText:
    deceased = facts["deceased"]
    sex = deceased["sex"]
    details = []
    if deceased.get("last_address"):
        details.append(f"с последен постоянен адрес {format_address(deceased['last_address'])}")
    died = f"{by_sex(sex, 'починал', 'починала')} на {format_date(deceased['death_date'])}"
    if deceased.get("death_act"):
        died += f" (акт за смърт № {deceased['death_act']}"
        died += f", {deceased['death_place']})" if deceased.get("death_place") else ")"
    details.append(died)
    listing = []
    for heir in facts["heirs"]:
        line = f"{person(heir, born=False)} — {heir['relation_bg']}"
        if heir.get("died_on"):
            line += (
                f", {by_sex(heir['sex'], 'починал', 'починала')} на {format_date(heir['died_on'])}"
            )
        listing.append(line)
    paragraphs = []
    if facts.get("applicant"):
        paragraphs.append(f"По искане на {person(facts['applicant'], born=False)}.")
    paragraphs.append(
        f"Удостоверява се, че {person(deceased, born=False)}, {', '.join(details)}, "
        f"е {by_sex(sex, 'оставил', 'оставила')} следните наследници по закон:"
    )
    basis = (
        "Наследниците са определени по чл. 5–10 от Закона за наследството въз основа на данните "
        "в регистъра на населението (Закон за гражданската регистрация)."
    )
    return CertificateText("УДОСТОВЕРЕНИЕ", "за наследници", paragraphs, listing, [basis])


def _euro(cents: int) -> str:
    return money(Decimal(cents) / 100, "bg")


TAX_SCOPE_WORDS = {
    "all": "",
    "property": " за недвижими имоти и такса за битови отпадъци",
    "vehicle": " за превозни средства",
}


def tax_debts(service: dict, facts: dict, municipality: Municipality) -> CertificateText:
    who = facts["person"]
    scope = TAX_SCOPE_WORDS.get(facts.get("scope") or "all", "")
    on = format_date(facts["on"])
    listing = []
    for debt in facts["debts"]:
        where = f", {debt['object_address']}" if debt.get("object_address") else ""
        listing.append(
            f"{debt['kind_bg']}, {debt['object']}{where}, за {debt['year']} г.: "
            f"{_euro(debt['outstanding_cents'])}"
        )
    if listing:
        finding = (
            f"към {on} има следните задължения за местни данъци и такси{scope} към "
            f"{municipality.official_name.bg}:"
        )
    else:
        finding = (
            f"към {on} няма задължения за местни данъци и такси{scope} към "
            f"{municipality.official_name.bg}."
        )
    paragraphs = [f"Удостоверява се, че {person(who)}, {finding}"]
    closing = []
    if listing:
        closing.append(f"Общо: {_euro(facts['total_cents'])}.")
    closing += [
        facts["interest_note_bg"],
        "Удостоверението се издава на основание чл. 87, ал. 6 от "
        "Данъчно-осигурителния процесуален кодекс, въз основа на данните в регистъра на местните "
        "данъци и такси (Закон за местните данъци и такси).",
    ]
    return CertificateText(
        "УДОСТОВЕРЕНИЕ", "за наличие или липса на задължения", paragraphs, listing, closing
    )


BUILDERS = {
    "permanent-address-certificate": address_certificate,
    "current-address-certificate": address_certificate,
    "marital-status-certificate": marital_status,
    "children-born-to-mother-certificate": children_of_mother,
    "heirs-certificate": heirs,
    "local-tax-debts-certificate": tax_debts,
}


def has_certificate_text(service_id: str) -> bool:
    """Whether central can write this service's certificate from the registers."""
    return service_id in BUILDERS


def certificate_text(service: dict, facts: dict, municipality: Municipality) -> CertificateText:
    """The text of ``service``'s certificate stating ``facts`` (from the review)."""
    text = BUILDERS[str(service["id"])](service, facts, municipality)
    text.paragraphs = [paragraph for paragraph in text.paragraphs if paragraph]
    return text


def covering_sheet_text(
    service: dict, request: dict, pages: int, sha256: str, municipality: Municipality
) -> CertificateText:
    """The sheet central appends to a document made in another system (``issuance: attached``).
    It states only what the office did: which document, how many pages, its fingerprint."""
    name = (service.get("name") or {}).get("bg") or str(service.get("id"))
    reference = request.get("reference") or ""
    return CertificateText(
        "ПРИДРУЖИТЕЛЕН ЛИСТ",
        f"към „{name}“",
        [
            f"{municipality.official_name.bg} издава приложения документ „{name}“ ({pages} стр.)"
            + (f" по заявление {reference}." if reference else "."),
            "Документът е изготвен в информационната система на общината; той и този лист са "
            "подписани заедно с електронния подпис на общината и са едно цяло: всяка промяна "
            "в тях прави подписа невалиден.",
            "Отпечатък (SHA-256) на приложения документ: "
            + " ".join(sha256[start : start + 16] for start in range(0, len(sha256), 16))
            + ".",
        ],
    )
