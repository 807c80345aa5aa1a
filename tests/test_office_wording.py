"""The office's words as the pages render them (Flask test client): numbers take the form of
their noun through sync.wording ("1 киоск", "2 киоска"), amounts are "35,50 евро", and the
register's sex chooses "Роден"/"Родена", "Съпруг"/"Съпруга" — never "Роден/а" where the
register says."""

from __future__ import annotations

from central_api import registers
from central_api.db import read, write
from deploy.office_demo import enroll_kiosk, submit

NOTICE = {
    "kind": "announcement",
    "date": "2026-12-01",
    "title_bg": "Спиране на водата",
    "body_bg": "Във вторник от 9 до 12 ч.",
}


def publish_notice(admin, title: str) -> None:
    form = {**NOTICE, "title_bg": title, "csrf_token": admin.token}
    answer = admin.client.post("/office/notices", data=form, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_a_notice_says_to_how_many_kiosks_in_the_form_of_the_number(central, office_client):
    admin = office_client("admin")
    with write(central.engine) as conn:
        enroll_kiosk(conn, "dzhulyunitsa")
    publish_notice(admin, "Първо")
    with write(central.engine) as conn:
        enroll_kiosk(conn, "kozarevets")
    publish_notice(admin, "Второ")
    page = office_client("clerk").get("/office/notices").get_data(as_text=True)
    assert "изпратено до 1 киоск " in page and "изпратено до 2 киоска " in page
    assert "1 киоска" not in page


def test_the_register_entry_speaks_of_a_man_and_of_a_woman_and_in_euro(
    central, office_client, villagers
):
    with read(central.engine) as conn:
        husband = registers.find_person(conn, villagers.applicant)
        wife = registers.find_person(conn, villagers.wife)
    clerk = office_client("clerk")
    his = clerk.get(f"/office/register/person/{husband.id}").get_data(as_text=True)
    assert "<dt>Роден</dt>" in his and "<dt>Съпруга</dt>" in his
    assert "Общо дължимо: 35,50 евро" in his and "20,00 евро" in his
    assert "/а" not in his and "€" not in his
    hers = clerk.get(f"/office/register/person/{wife.id}").get_data(as_text=True)
    assert "<dt>Родена</dt>" in hers and "<dt>Съпруг</dt>" in hers


def test_the_clerks_review_shows_the_fee_in_euro_and_the_applicants_own_words(
    central, office_client, villagers
):
    with write(central.engine) as conn:
        kiosk = enroll_kiosk(conn, "dzhulyunitsa")
        reference = submit(
            conn,
            kiosk,
            1,
            "permanent-address-certificate",
            {"phone": "+359888123456", "personal_number_kind": "egn",
             "personal_number": villagers.applicant, "first_name": "Иван",
             "middle_name": "Петров", "last_name": "Димитров"},
        )  # fmt: skip
    page = office_client("clerk").get(f"/office/requests/{reference}").get_data(as_text=True)
    assert "<dd>2,56 евро, платена (в брой, № " in page  # the demo kiosk took the fee
    assert "Роден на" in page and "Роден(а)" not in page and "Роден/а" not in page


def test_the_registrars_civil_status_choice_speaks_of_the_person_as_the_register_does(
    central, office_client, villagers
):
    with read(central.engine) as conn:
        wife = registers.find_person(conn, villagers.wife)
    page = office_client("registrar").get(f"/office/register/person/{wife.id}")
    text = page.get_data(as_text=True)
    assert ">омъжена</option>" in text and ">вдовица</option>" in text and "вдовец" not in text
