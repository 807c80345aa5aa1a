"""The clerk's review of a request, grounded in the municipality's registers.

:func:`review_request` finds the applicant in the population register (by ЕГН/ЛНЧ, else by
names and birth date), finds the person the certificate is about (the applicant, the other
person named on the form, the deceased of a certificate of heirs, the taxpayer), lists every
difference between what was typed and what the register holds, and says what **blocks**
approval. When nothing blocks, it also holds the certificate's content, the **facts**, taken
from the register at that moment (:mod:`central_api.certificate_facts`): the request's own
answers never fill a certificate.

Blocks (each ``Block(code, bg, en)``), for services whose document central generates:

* ``applicant_not_found`` — the applicant is not in this municipality's population register;
* ``applicant_deceased`` — the register holds the applicant as dead;
* ``subject_not_found`` / ``subject_deceased`` — the same for the other person;
* ``authorisation_missing`` — the certificate is about someone other than the applicant (or
  the applicant is not among the heirs) and no authorisation was recorded by staff;
* ``deceased_not_found`` / ``not_deceased`` / ``heirs_incomplete`` / ``no_address`` — the
  register cannot answer the certificate's question.

:func:`central_api.decisions.approve` calls :func:`ensure_approvable`, so neither the web
office nor the command line can approve while a block stands; the right answer then is a
question to the villager or a written refusal.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, insert, select

from sync import canonical_json
from sync.wording import by_sex

from . import certificate_facts as facts_of
from . import registers
from .audit import record as audit_record
from .db import utc_now, write
from .db.schema import authorisations
from .errors import ApprovalBlockedError, InvalidInputError
from .municipality import current_municipality
from .records import find_service
from .workflow import get_request

PERSON_FIELDS = ("first_name", "middle_name", "last_name")
POPULATION_SERVICES = (
    "permanent-address-certificate",
    "current-address-certificate",
    "marital-status-certificate",
    "children-born-to-mother-certificate",
)


@dataclass(frozen=True)
class Block:
    code: str
    bg: str
    en: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": {"bg": self.bg, "en": self.en}}


@dataclass(frozen=True)
class Difference:
    """What the form says (``typed``) and what the register holds, for one field."""

    field: str
    who: str  # applicant | subject | deceased
    typed: str
    registered: str


@dataclass(frozen=True)
class Review:
    issuance: str
    on: str
    applicant: registers.PersonRecord | None
    subject: registers.PersonRecord | None  # whom the certificate is about, if not the applicant
    differences: tuple[Difference, ...] = ()
    blocks: tuple[Block, ...] = ()
    heirs: registers.HeirsResult | None = None
    debts: registers.DebtStatement | None = None
    authorisation: dict | None = None
    facts: dict | None = None  # the certificate's content; None while something blocks
    notes: tuple[tuple[str, str], ...] = field(default=())

    @property
    def approvable(self) -> bool:
        return not self.blocks


def review_request(conn: Connection, request: dict, on: str | None = None) -> Review:
    """The register's view of ``request`` (a ``requests`` row) on ``on`` (default today)."""
    on = on or dt.date.today().isoformat()
    service = find_service(conn, request["service"]) or {"id": request["service"]}
    issuance = service.get("issuance") or "generated"
    fields = json.loads(request["fields"] or "{}")
    authorisation = recorded_authorisation(conn, request["reference"])
    work = _Review(conn, on, fields, authorisation)
    applicant = work.match("applicant", fields, "")
    if issuance != "generated":
        # Attached, in-person and filed requests are made elsewhere: the register entries are
        # shown to help the clerk (the deceased of a declaration or an extract, with the
        # declaration's term), but they decide nothing here.
        deceased = work.deceased_only()
        return Review(issuance, on, applicant, deceased, tuple(work.differences), (), None, None,
                      authorisation, None, tuple(work.notes))  # fmt: skip
    if applicant is None:
        work.block(
            "applicant_not_found",
            "Заявителят не е в регистъра на населението на общината (по ЕГН/ЛНЧ или по имена "
            "и дата на раждане).",
            "The applicant is not in the municipality's population register (by ЕГН/ЛНЧ or by "
            "names and birth date).",
        )
    elif not applicant.alive:
        work.block(
            "applicant_deceased",
            f"Регистърът води заявителя {applicant.person.full_name} като "
            f"{by_sex(applicant.person.sex, 'починал', 'починала')} на "
            f"{applicant.person.death_date}.",
            f"The register holds the applicant {applicant.person.full_name} as deceased on "
            f"{applicant.person.death_date}.",
        )
    service_id = service["id"]
    subject = heirs = debts = None
    content = None
    if service_id in POPULATION_SERVICES:
        subject = work.other_person(applicant)
        about = subject or applicant
        if about is not None and about.alive and not work.blocks:
            content = work.population_facts(service_id, about)
    elif service_id == "heirs-certificate":
        subject, heirs = work.deceased(applicant)
        if heirs is not None and not work.blocks:
            content = facts_of.heirs_facts(heirs, subject, applicant, work.place)
    elif service_id == "local-tax-debts-certificate":
        if applicant is not None and not work.blocks:
            debts = registers.debts_on(conn, applicant.person.id, on)
            content = facts_of.debts_facts(
                debts, applicant, fields.get("debts_for") or "all", work.place
            )
    else:
        work.block(
            "no_register_text",
            "За тази услуга няма удостоверение, което се съставя от регистрите.",
            "No certificate of this service is written from the registers.",
        )
    blocks = tuple(work.blocks)
    return Review(
        issuance, on, applicant, subject, tuple(work.differences), blocks, heirs, debts,
        authorisation, None if blocks else content, tuple(work.notes),
    )  # fmt: skip


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def heirs_digest(review: Review) -> str | None:
    """A short fingerprint of the heirs the clerk was shown (who, in which relation, included
    or not): the clerk confirms it, and approval checks it is still what the register says."""
    if review.heirs is None:
        return None
    shown = [
        [entry.person.id, entry.relation, entry.included, entry.share_text]
        for entry in review.heirs.entries
    ]
    return hashlib.sha256(canonical_json(shown)).hexdigest()[:16]


def ensure_approvable(review: Review, reference: str, confirmed_heirs: str | None = None) -> None:
    """Raise :class:`ApprovalBlockedError` naming every block of ``review``; for a certificate
    of heirs, also unless the clerk confirmed the heirs as the register gives them now."""
    digest = heirs_digest(review)
    if digest is not None and not review.blocks and confirmed_heirs != digest:
        raise ApprovalBlockedError(
            f"{reference}: confirm the heirs as the register gives them now (the tree on the "
            "request's page, or --confirm-heirs on the command line); if they changed since "
            "you looked, look again.",
            [
                {
                    "code": "heirs_not_confirmed",
                    "message": {
                        "bg": "Потвърдете наследниците, както ги дава регистърът сега.",
                        "en": "Confirm the heirs as the register gives them now.",
                    },
                }
            ],
        )
    if review.blocks:
        reasons = "; ".join(block.en for block in review.blocks)
        raise ApprovalBlockedError(
            f"{reference} cannot be approved: {reasons} Ask the villager or refuse in writing.",
            [block.to_dict() for block in review.blocks],
        )


def record_authorisation(engine: Engine, reference: str, document: str, user_name: str) -> dict:
    """Staff saw the power of attorney (or the document of a legal interest) for ``reference``:
    record what it is (number, date, notary) so that approval is no longer blocked by it."""
    document = " ".join((document or "").split())
    if len(document) < 5:
        raise InvalidInputError(
            "Describe the authorisation seen: its kind, number, date and who certified it."
        )
    with write(engine) as conn:
        get_request(conn, reference, for_update=True)
        row = {
            "reference": reference,
            "document": document[:500],
            "recorded_by": user_name,
            "recorded_at": utc_now(),
        }
        conn.execute(insert(authorisations).values(**row))
        audit_record(
            conn, f"clerk:{user_name}", "request.authorised", reference, {"document": document}
        )
    return row


def recorded_authorisation(conn: Connection, reference: str) -> dict | None:
    """What lets a request about another person go ahead: the latest one a clerk recorded in
    the office, else the one the kiosk's staff checked at submission (``staff.authorisation``
    of ``request.submitted``); None when nobody recorded one."""
    row = (
        conn.execute(
            select(authorisations)
            .where(authorisations.c.reference == reference)
            .order_by(authorisations.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    if row:
        return dict(row)
    request = get_request(conn, reference)
    staff = json.loads(request.get("staff") or "null") or {}
    document = " ".join(str(staff.get("authorisation") or "").split())
    if not document:
        return None
    return {
        "reference": reference,
        "document": document,
        "recorded_by": f"staff:{staff.get('staff_id')}",
        "recorded_at": request.get("submitted_at") or request.get("created_at"),
    }


def _identifier(fields: dict, prefix: str = "") -> tuple[str, str | None]:
    """The ЕГН or ЛНЧ the form gives for the person of ``prefix``, with its kind ("egn",
    "lnch", or None when the form does not say)."""
    if fields.get(f"{prefix}egn"):
        return str(fields[f"{prefix}egn"]), "egn"
    kind = fields.get(f"{prefix}personal_number_kind")
    number = str(fields.get(f"{prefix}personal_number") or "")
    if kind == "birth_date":  # names and birth date instead of a number
        return "", None
    return number, kind if kind in ("egn", "lnch") else None


def _same(typed: str, registered: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(registered.split()).casefold()


class _Review:
    def __init__(self, conn, on, fields, authorisation):
        self.conn, self.on, self.fields, self.authorisation = conn, on, fields, authorisation
        self.blocks: list[Block] = []
        self.differences: list[Difference] = []
        self.notes: list[tuple[str, str]] = []

    def block(self, code: str, bg: str, en: str) -> None:
        self.blocks.append(Block(code, bg, en))

    def place(self, settlement: str) -> dict:
        return facts_of.place(settlement, current_municipality(self.conn))

    def match(self, who: str, fields: dict, prefix: str):
        """The register's record of the person the form describes with ``prefix`` fields: by
        ЕГН or ЛНЧ, else (no number given) by names and birth date when they tell one person."""
        identifier, kind = _identifier(fields, prefix)
        person = registers.find_person(self.conn, identifier, kind) if identifier else None
        if person is None and not identifier and fields.get(f"{prefix}birth_date"):
            found = registers.find_by_names(
                self.conn,
                fields.get(f"{prefix}first_name", ""),
                fields.get(f"{prefix}last_name", ""),
                fields[f"{prefix}birth_date"],
                fields.get(f"{prefix}middle_name"),
            )
            person = found[0] if len(found) == 1 else None
        if person is None:
            return None
        for name in PERSON_FIELDS:
            typed = str(fields.get(f"{prefix}{name}") or "")
            registered = getattr(person, name)
            if typed and not _same(typed, registered):
                self.differences.append(Difference(name, who, typed, registered))
        typed_birth = str(fields.get(f"{prefix}birth_date") or "")
        if typed_birth and typed_birth != person.birth_date:
            self.differences.append(Difference("birth_date", who, typed_birth, person.birth_date))
        return registers.person_record(self.conn, person.id, self.on)

    def needs_authorisation(self, bg: str, en: str) -> None:
        if self.authorisation is None:
            self.block("authorisation_missing", bg, en)

    def other_person(self, applicant):
        if self.fields.get("for_whom") != "other":
            return None
        subject = self.match("subject", self.fields, "other_")
        if subject is None:
            self.block(
                "subject_not_found",
                "Лицето, за което се иска удостоверението, не е в регистъра на населението.",
                "The person the certificate is about is not in the population register.",
            )
            return None
        if applicant is not None and subject.person.id == applicant.person.id:
            return None
        if not subject.alive:
            self.block(
                "subject_deceased",
                f"Регистърът води {subject.person.full_name} като "
                f"{by_sex(subject.person.sex, 'починал', 'починала')}.",
                f"The register holds {subject.person.full_name} as deceased.",
            )
        self.needs_authorisation(
            "Удостоверението е за друго лице, а служител не е вписал пълномощно.",
            "The certificate is about another person and no authorisation was recorded by staff.",
        )
        return subject

    def population_facts(self, service_id: str, about) -> dict | None:
        if service_id == "marital-status-certificate":
            with_family = self.fields.get("certificate_variant") == "spouse_and_children"
            return facts_of.marital_facts(about, with_family, self.place)
        if service_id == "children-born-to-mother-certificate":
            if about.person.sex != "F":
                self.block(
                    "not_a_mother",
                    f"Регистърът води {about.person.full_name} като мъж: удостоверението за "
                    "родените от майката деца се издава за жена.",
                    f"The register holds {about.person.full_name} as a man: the certificate of "
                    "the children born to a mother is about a woman.",
                )
                return None
            return facts_of.children_facts(about, self.place)
        kind = "permanent" if service_id == "permanent-address-certificate" else "current"
        address = about.permanent_address if kind == "permanent" else about.current_address
        if address is None:
            self.block(
                "no_address",
                f"Регистърът не съдържа {'постоянен' if kind == 'permanent' else 'настоящ'} "
                f"адрес на {about.person.full_name} към {self.on}.",
                f"The register holds no {kind} address of {about.person.full_name} on {self.on}.",
            )
            return None
        return facts_of.address_facts(about, address, self.place)

    def deceased_only(self):
        """The deceased the form names by ЕГН, as the register held them at the death, and for
        an inheritance declaration the six months of ЗМДТ чл. 32 counted from the death."""
        identifier = str(self.fields.get("deceased_egn") or "")
        person = registers.find_person(self.conn, identifier, "egn") if identifier else None
        if person is None or person.death_date is None:
            return None
        if "relation_to_deceased" in self.fields:
            due = months_after(dt.date.fromisoformat(person.death_date), 6).isoformat()
            late = due < self.on
            self.notes.append(
                (
                    f"Шест месеца от смъртта ({person.death_date}) изтичат на {due}"
                    + (": декларацията е подадена след срока." if late else "."),
                    f"Six months from the death ({person.death_date}) end on {due}"
                    + (": the declaration comes after that." if late else "."),
                )
            )
        return registers.person_record(self.conn, person.id, person.death_date)

    def deceased(self, applicant):
        identifier = str(self.fields.get("deceased_egn") or "")
        person = registers.find_person(self.conn, identifier, "egn") if identifier else None
        if person is None:
            self.block(
                "deceased_not_found",
                f"Починалият с ЕГН {identifier or '—'} не е в регистъра на населението.",
                f"The deceased with ЕГН {identifier or '—'} is not in the population register.",
            )
            return None, None
        record = registers.person_record(self.conn, person.id, person.death_date or self.on)
        if person.death_date is None:
            self.block(
                "not_deceased",
                f"{person.full_name} не е {by_sex(person.sex, 'вписан', 'вписана')} като "
                f"{by_sex(person.sex, 'починал', 'починала')} в регистъра.",
                f"{person.full_name} is not recorded as deceased in the register.",
            )
            return record, None
        heirs = registers.legal_heirs(self.conn, person)
        self.notes.extend(heirs.notes)
        if not heirs.complete:
            self.block(
                "heirs_incomplete",
                "Регистърът не стига, за да се определят всички наследници: "
                + " ".join(note[0] for note in heirs.notes),
                "The register is not enough to establish every heir: "
                + " ".join(note[1] for note in heirs.notes),
            )
        if record.permanent_address is None:
            self.block(
                "no_address",
                "Регистърът не съдържа последен постоянен адрес на починалия в общината.",
                "The register holds no last permanent address of the deceased in the municipality.",
            )
        if applicant is not None:
            entry = next((e for e in heirs.entries if e.person.id == applicant.person.id), None)
            if entry is None or not entry.included:
                self.needs_authorisation(
                    "Заявителят не е сред законните наследници, а служител не е вписал "
                    "пълномощно или документ за правен интерес.",
                    "The applicant is not among the legal heirs and no authorisation or proof "
                    "of a legal interest was recorded by staff.",
                )
        return record, heirs
