"""Demo data for the office: users, five enrolled kiosks with health reports, staff, a notice and
requests in every state, spread over the last weeks. Used by the screenshots and browser tests.

Everything goes through the library (enrollment, record application, decisions), except that
times are moved into the past afterwards so the reports have weeks to show; that is demo-only.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select, update

from central_api import decisions, kiosks, onboarding, registers
from central_api.db import read, write
from central_api.db.schema import documents, request_events, requests
from central_api.db.schema import kiosks as kiosks_table
from central_api.errors import ApprovalBlockedError
from central_api.municipality import current_municipality
from central_api.notices import publish
from central_api.officials import add_official
from central_api.records import apply_record, find_service
from central_api.registers.demo import demo_persons, generate_register
from central_api.review import heirs_digest, review_request
from central_api.staff import add_staff
from central_api.users import add_user
from central_api.workflow import get_request
from sync import Identity
from sync.catalogue import validate_fields

USERS = {"maria": ("clerk", "maria-pass-1"), "anna": ("admin", "anna-pass-1"),
         "petar": ("auditor", "petar-pass-1"), "elena": ("registrar", "elena-pass-1")}  # fmt: skip
# The clerk who approves in the demo is an official: the mayor, who may sign every service.
OFFICIAL = {"user_name": "maria", "names": "Мария Георгиева Петрова",
            "title": "Кмет на Община Лясковец", "order": None, "services": "all"}  # fmt: skip
FIRST = ["Иван", "Мария", "Георги", "Елена", "Петър", "Йорданка", "Стефан", "Радка", "Николай"]
MIDDLE = ["Петров", "Иванова", "Димитров", "Георгиева", "Стоянов", "Николова", "Христов"]
LAST = ["Димитров", "Петрова", "Колев", "Стоянова", "Ангелов", "Маринова", "Тодоров", "Илиева"]
SERVICES = [
    "permanent-address-certificate",
    "current-address-certificate",
    "marital-status-certificate",
    "birth-certificate-duplicate",
    "marriage-certificate-duplicate",
    "multilingual-extract",
]
HEALTH = {  # village: (hours since contact, queue depth, hours oldest unsent, printer)
    "dzhulyunitsa": (0.1, 0, None, "ready"),
    "dobri-dyal": (0.3, 3, 0.5, "ready"),
    "kozarevets": (5, 12, 4, "ready"),
    "dragizhevo": (0.2, 0, None, "error"),
    "merdanya": (30, 41, 30, "offline"),
}


def make_egn(born: date, serial: int) -> str:
    """A valid ЕГН for ``born`` (the month carries +40 for births from 2000)."""
    month = born.month + (40 if born.year >= 2000 else 0)
    digits = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial % 1000:03d}"
    weights = (2, 4, 8, 5, 10, 9, 7, 3, 6)
    check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return digits + str(check % 10)


def person_fields(rng: random.Random, female: bool | None = None) -> dict:
    first = rng.choice(FIRST)
    female = first[-1] in "ая" if female is None else female
    middle = rng.choice([m for m in MIDDLE if m.endswith("а") == female] or MIDDLE)
    last = rng.choice([n for n in LAST if n.endswith("а") == female] or LAST)
    born = date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
    serial = rng.randrange(0, 999, 2) + (1 if female else 0)
    return {
        "first_name": first,
        "middle_name": middle,
        "last_name": last,
        "personal_number_kind": "egn",
        "personal_number": make_egn(born, serial),
        "phone": f"088{rng.randint(1000000, 9999999)}",
    }


def enroll_kiosk(conn, village: str, version: str = "1.4.2") -> dict:
    token = kiosks.create_invite(conn, village, created_by="admin:anna")
    identity = Identity.generate("pending")
    return onboarding.enroll_kiosk(conn, token, identity.public.to_json(), software_version=version)


def submit(conn, kiosk: dict, counter: int, service: str, fields: dict, staff_id=None) -> str:
    abbreviation = current_municipality(conn).settlement(kiosk["village"]).abbreviation
    reference = f"{abbreviation}{kiosk['kiosk_no']}-{counter:05d}"
    body = {
        "reference": reference,
        "service": service,
        "catalogue_version": 1,
        "tier": "ordinary",
        "village": kiosk["village"],
        "kiosk_id": kiosk["id"],
        "fields": fields,
        "submitted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        # staff check the identity card: its number is theirs to record, not the form's
        "staff": {"staff_id": staff_id, "id_document_number": f"64{counter:07d}"}
        if staff_id
        else None,
        "fee": {"status": "paid", "method": "cash", "receipt_number": f"R-{counter:05d}"},
    }
    record = {"id": str(uuid.uuid4()), "type": "request.submitted", "at": body["submitted_at"],
              "body": body}  # fmt: skip
    apply_record(conn, kiosk, "demo", record)
    return reference


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def backdate(conn, reference: str, days: float) -> None:
    """Demo only: the request arrived ``days`` ago (its due date moves with it)."""
    row = conn.execute(select(requests).where(requests.c.reference == reference)).mappings().one()
    moment = datetime.now(UTC) - timedelta(days=days)
    due = row["due_date"]
    if due:
        due = (date.fromisoformat(due) - timedelta(days=int(days))).isoformat()
    conn.execute(
        update(requests)
        .where(requests.c.id == row["id"])
        .values(created_at=_stamp(moment), submitted_at=_stamp(moment), due_date=due)
    )
    conn.execute(
        update(request_events)
        .where(request_events.c.request_id == row["id"], request_events.c.from_status.is_(None))
        .values(at=_stamp(moment))
    )


def seed(engine: Engine, signer, requests_per_kiosk: int = 14, seed_value: int = 5) -> dict:
    """Fill an initialised, empty central with the demo office; what was made."""
    rng = random.Random(seed_value)
    made = {"kiosks": [], "references": [], "users": dict(USERS)}
    with write(engine) as conn:
        for name, (role, password) in USERS.items():
            add_user(conn, name, role, password)
        add_official(conn, **OFFICIAL, by="admin:anna")
        for village in (settlement.code for settlement in current_municipality(conn).villages):
            made["kiosks"].append(enroll_kiosk(conn, village))
        staff_ids = {
            village: add_staff(conn, village, name, pin, "admin:anna")
            for village, name, pin in (
                ("dzhulyunitsa", "Донка Маринова", "482715"),
                ("dobri-dyal", "Стоян Колев", "593046"),
                ("kozarevets", "Галина Тодорова", "731652"),
                ("dragizhevo", "Христо Ангелов", "264819"),
                ("merdanya", "Веселина Илиева", "815437"),
            )
        }
        residents = _small_register(conn, requests_per_kiosk)
        services = {sid: find_service(conn, sid) for sid in SERVICES}
        for kiosk in made["kiosks"]:
            for counter in range(1, requests_per_kiosk + 1):
                service = SERVICES[(counter + kiosk["kiosk_no"]) % len(SERVICES)]
                fields = person_fields(rng)
                people = residents.get(kiosk["village"]) or ()
                if people:
                    # The applicant is a person of the register, so the review can approve.
                    person = people[counter % len(people)]
                    fields.update(first_name=person.first_name, middle_name=person.middle_name,
                                  last_name=person.last_name, personal_number=person.egn)  # fmt: skip
                if validate_fields(services[service], fields):
                    service = SERVICES[0]
                staff = staff_ids[kiosk["village"]] if counter % 3 else None
                reference = submit(conn, kiosk, counter, service, fields, staff)
                backdate(conn, reference, rng.uniform(0, 55) if counter > 4 else counter * 0.2)
                made["references"].append(reference)
        _set_health(conn)
        publish(
            conn,
            {
                "kind": "council_decision",
                "date": datetime.now(UTC).date().isoformat(),
                "title_bg": "Решение № 412 на Общинския съвет – Лясковец",
                "title_en": "Decision No. 412 of the Lyaskovets Municipal Council",
                "body_bg": "Местните такси за битови отпадъци за 2027 г. остават без промяна.",
                "body_en": "Local waste charges for 2027 stay unchanged.",
            },
            None,
            None,
            "admin:anna",
        )
    _decide(engine, signer, made["references"], rng)
    return made


def _small_register(conn, per_village: int) -> dict:
    """A small generated population register for the office demo (the full demo imports one at
    the villages' real sizes): {village: residents the demo's requests are about}."""
    municipality = current_municipality(conn)
    villages = {settlement.code: settlement.label("bg") for settlement in municipality.villages}
    population, _ = generate_register(dict.fromkeys(villages, 40), villages, seed=5)
    registers.import_population(
        conn, population, registers.known_settlements(municipality), actor="demo",
        file_name="office-demo-population.csv",
    )  # fmt: skip
    return {
        code: tuple(p for p in demo_persons(conn, code, count=per_village).residents if p.egn)
        for code in villages
    }


def _set_health(conn) -> None:
    now = datetime.now(UTC)
    for village, (hours, depth, unsent, printer) in HEALTH.items():
        health = {
            "queue_depth": depth,
            "oldest_unsent_at": _stamp(now - timedelta(hours=unsent)) if unsent else None,
            "printer_state": printer,
            "software_version": "1.4.2" if village != "merdanya" else "1.3.9",
            "at": _stamp(now - timedelta(hours=hours)),
        }
        conn.execute(
            update(kiosks_table)
            .where(kiosks_table.c.village == village)
            .values(
                health=json.dumps(health),
                last_contact=_stamp(now - timedelta(hours=hours)),
                software_version=health["software_version"],
            )
        )


def _decide(engine: Engine, signer, references: list[str], rng: random.Random) -> None:
    """Move some requests on: issued (with documents), rejected, asked, in review."""
    for index, reference in enumerate(references):
        choice = index % 7
        if choice in (0, 1, 2):
            with read(engine) as conn:
                # The demo's clerk looks at the heirs tree and confirms it, as a clerk would.
                shown = heirs_digest(review_request(conn, get_request(conn, reference)))
            try:
                decisions.approve(engine, reference, "maria", signer=signer, confirmed_heirs=shown)
            except ApprovalBlockedError as exc:
                # What a clerk does when the register stands against a request: ask.
                reason = exc.blocks[0]["message"]["bg"] if exc.blocks else exc.message
                decisions.ask(engine, reference, f"{reason} Моля, уточнете.", "maria")
                continue
            with write(engine) as conn:
                created = conn.execute(
                    select(requests.c.created_at).where(requests.c.reference == reference)
                ).scalar()
                issued = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                issued += timedelta(hours=rng.choice([2, 20, 30, 60, 100, 200]))
                conn.execute(
                    update(documents)
                    .where(documents.c.reference == reference)
                    .values(issued_at=_stamp(min(issued, datetime.now(UTC))))
                )
        elif choice == 3:
            decisions.reject(
                engine,
                reference,
                "Лицето няма постоянен адрес в кметството.",
                "maria",
                signer=signer,
            )
        elif choice == 4:
            decisions.ask(engine, reference, "Моля, посочете номера на акта за раждане.", "maria")
        elif choice == 5:
            decisions.start_review(engine, reference, "maria")
