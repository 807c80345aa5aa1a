"""Who the applicant is, found in the register by what the form now asks: an ЕГН, an ЛНЧ (a
foreign resident asks for an address certificate too), or names and a birth date; and the
certificate of the children born to a mother, written from the register's parent–child links."""

from __future__ import annotations

import csv
import io

from central_api import registers
from central_api.db import read, write
from central_api.documents.texts import certificate_text
from central_api.municipality import current_municipality
from central_api.registers.population_file import OPTIONAL, REQUIRED
from tests.fixtures_central import VALID_EGN
from tests.test_review import approve, codes, pdf_text, reviewed, submit

# A foreign resident of Мерданя: an ЛНЧ (python-stdnum's example), no ЕГН.
LNCH = "7111042925"


def add_foreign_resident(central) -> None:
    row = dict.fromkeys(REQUIRED + OPTIONAL, "")
    row.update(
        lnch=LNCH, first_name="John", middle_name="Michael", last_name="Smith", sex="M",
        birth_date="1971-11-04", citizenship="GBR", permanent_settlement="merdanya",
        permanent_address="ул. „Първа“ № 9", current_settlement="merdanya",
        current_address="ул. „Първа“ № 9", marital_status="single",
    )  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REQUIRED + OPTIONAL)
    writer.writeheader()
    writer.writerow(row)
    with write(central.engine) as conn:
        settlements = registers.known_settlements(current_municipality(conn))
        registers.import_population(conn, out.getvalue().encode(), settlements, actor="test")


def test_a_foreign_resident_gets_an_address_certificate_by_the_lnch(
    central, villagers, central_clerk, central_client, sim_kiosk, tmp_path
):
    add_foreign_resident(central)
    with read(central.engine) as conn:
        assert registers.find_person(conn, LNCH, "lnch").last_name == "Smith"
        assert registers.find_person(conn, LNCH, "egn") is None  # the ЛНЧ's own column only
        assert registers.find_person(conn, VALID_EGN, "lnch") is None
    fields = {"personal_number_kind": "lnch", "personal_number": LNCH}
    reference = submit(central_client, sim_kiosk, {**fields, "first_name": "John"})
    found = reviewed(central, reference)
    assert found.approvable, codes(found)
    assert found.facts["person"] == {
        "names": "John Michael Smith", "egn": None, "lnch": LNCH,
        "birth_date": "1971-11-04", "sex": "M",
    }  # fmt: skip
    _, document = approve(central, reference, central_clerk)
    text = pdf_text(central, document["number"], tmp_path)
    assert f"John Michael Smith, ЛНЧ {LNCH}" in text and "с. Мерданя" in text


def test_without_a_number_the_register_finds_the_applicant_by_names_and_birth_date(
    central, villagers, central_client, sim_kiosk
):
    by_names = {
        "personal_number_kind": "birth_date",
        "first_name": "иван",  # as typed: case and spaces do not matter
        "middle_name": "Петров",
        "last_name": "Димитров ",
        "birth_date": "1875-03-16",
    }
    reference = submit(central_client, sim_kiosk, by_names)
    found = reviewed(central, reference)
    assert found.approvable and found.applicant.person.egn == VALID_EGN
    assert found.facts["address"]["address"] == "ул. „Васил Левски“ № 12"
    wrong_day = submit(central_client, sim_kiosk, {**by_names, "birth_date": "1875-03-17"})
    assert codes(reviewed(central, wrong_day)) == ["applicant_not_found"]


def test_a_certificate_for_another_person_needs_only_their_number(
    central, villagers, central_client, sim_kiosk
):
    fields = {
        "personal_number_kind": "egn",
        "personal_number": villagers.son,
        "for_whom": "other",
        "other_personal_number_kind": "egn",
        "other_personal_number": villagers.widow,
    }
    found = reviewed(central, submit(central_client, sim_kiosk, fields))
    # the names come from the register; the authorisation is what staff must record
    assert found.subject.person.full_name == "Мария Илиева Колева"
    assert codes(found) == ["authorisation_missing"]


def test_the_children_born_to_a_mother_come_from_the_register(
    central, villagers, central_clerk, central_client, sim_kiosk, tmp_path
):
    service = "children-born-to-mother-certificate"
    mother = {"personal_number_kind": "egn", "personal_number": villagers.widow}
    reference = submit(central_client, sim_kiosk, mother, service)
    found = reviewed(central, reference)
    assert found.approvable, codes(found)
    children = [(c["names"], c["alive"]) for c in found.facts["children"]]
    assert children == [("Георги Петров Колев", True), ("Елена Петрова Иванова", False)]
    with read(central.engine) as conn:
        text = certificate_text({"id": service}, found.facts, current_municipality(conn))
    assert text.subtitle == "за родените от майката деца"
    assert text.listing[1].startswith("Елена Петрова Иванова, ЕГН ")
    assert "починала на 01.06.2019 г." in text.listing[1]
    _, document = approve(central, reference, central_clerk)
    assert "Георги Петров Колев" in pdf_text(central, document["number"], tmp_path)
    father = {"personal_number_kind": "egn", "personal_number": villagers.son}
    assert codes(reviewed(central, submit(central_client, sim_kiosk, father, service))) == [
        "not_a_mother"
    ]


def test_the_authorisation_staff_checked_at_the_kiosk_lets_the_request_go_ahead(
    central, villagers, central_client, sim_kiosk
):
    from tests.test_central_workflow import upload

    record = sim_kiosk.submitted()
    record["body"]["fields"] = {
        "personal_number_kind": "egn",
        "personal_number": villagers.son,
        "for_whom": "other",
        "other_personal_number_kind": "egn",
        "other_personal_number": villagers.widow,
    }
    record["body"]["staff"] = {
        "staff_id": "staff-7",
        "id_document_number": "645123456",
        "authorisation": "пълномощно рег. № 1234/2026 г., нотариус Д. Петков",
    }
    assert upload(central_client, sim_kiosk, [record])[0]["status"] == "applied"
    found = reviewed(central, record["body"]["reference"])
    assert found.approvable, codes(found)
    assert found.authorisation["recorded_by"] == "staff:staff-7"
    assert found.authorisation["document"].startswith("пълномощно рег. № 1234/2026")


def test_an_inheritance_declaration_shows_the_deceased_and_the_six_months(
    central, villagers, central_client, sim_kiosk
):
    fields = {
        "deceased_egn": villagers.deceased,
        "relation_to_deceased": "child",
        "personal_number_kind": "egn",
        "personal_number": villagers.son,
    }
    reference = submit(central_client, sim_kiosk, fields, "inheritance-declaration")
    found = reviewed(central, reference)
    assert found.issuance == "filed" and found.approvable
    assert found.subject.person.full_name == "Петър Стоянов Колев"
    # died 15 January 2025: the six months ended on 15 July 2025
    assert found.notes == (
        (
            "Шест месеца от смъртта (2025-01-15) изтичат на 2025-07-15: декларацията е "
            "подадена след срока.",
            "Six months from the death (2025-01-15) end on 2025-07-15: the declaration comes "
            "after that.",
        ),
    )


def test_months_after_keeps_the_day_or_takes_the_months_last():
    from datetime import date

    from central_api.review import months_after

    assert months_after(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert months_after(date(2024, 1, 15), 6) == date(2024, 7, 15)
    assert months_after(date(2025, 9, 30), 6) == date(2026, 3, 30)
