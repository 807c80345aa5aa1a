"""The request's page in the web office: the applicant's register entry, the differences, what
blocks approval, the heirs as a tree; approving from the page is refused while a block stands."""

from __future__ import annotations

from sqlalchemy import select

from central_api.db import read, write
from central_api.db.schema import documents, requests
from deploy.office_demo import enroll_kiosk, submit
from tests.fixtures_central import VALID_EGN

BASE = {"phone": "+359888123456"}


def file_request(central, service: str, fields: dict, n: int = 1) -> str:
    with write(central.engine) as conn:
        kiosk = enroll_kiosk(conn, "dzhulyunitsa")
        return submit(conn, kiosk, n, service, {**BASE, **fields}, None)


def status_of(central, reference: str) -> str:
    with read(central.engine) as conn:
        return conn.execute(
            select(requests.c.status).where(requests.c.reference == reference)
        ).scalar_one()


def test_the_page_shows_the_register_entry_and_the_differences(central, office_client, villagers):
    reference = file_request(
        central,
        "permanent-address-certificate",
        {
            "first_name": "Иванчо",
            "middle_name": "Петров",
            "last_name": "Димитров",
            "personal_number_kind": "egn",
            "personal_number": VALID_EGN,
        },
    )
    page = office_client("clerk").get(f"/office/requests/{reference}").get_data(as_text=True)
    assert "Регистър на населението" in page
    assert "Иван Петров Димитров" in page and "с. Джулюница, ул. „Васил Левски“ № 12" in page
    assert "Разлики между формуляра и регистъра" in page
    assert '<td class="typed">Иванчо</td><td class="registered">Иван</td>' in page
    assert "Няма пречки" in page


def test_a_blocked_request_cannot_be_approved_from_the_page(central, office_client, villagers):
    reference = file_request(
        central,
        "permanent-address-certificate",
        {"first_name": "Стоян", "middle_name": "Минчев", "last_name": "Стоянов",
         "personal_number_kind": "egn", "personal_number": villagers.dead_applicant},
    )  # fmt: skip
    clerk = office_client("clerk")
    page = clerk.get(f"/office/requests/{reference}").get_data(as_text=True)
    assert (
        "Пречки за одобряване" in page and "като починал на" in page
    )  # Стоян, a man of the register
    assert 'type="submit" disabled' in page
    answer = clerk.post(f"/office/requests/{reference}/approve")  # a hand-made POST
    assert answer.status_code == 409
    assert "не може да бъде одобрено" in answer.get_data(as_text=True)
    assert status_of(central, reference) in ("received", "in_review")
    with read(central.engine) as conn:
        assert conn.execute(select(documents)).first() is None


def test_the_heirs_are_shown_as_a_tree_and_must_be_confirmed(central, office_client, villagers):
    reference = file_request(
        central,
        "heirs-certificate",
        {"first_name": "Георги", "middle_name": "Петров", "last_name": "Колев",
         "personal_number_kind": "egn", "personal_number": villagers.son, "deceased_egn": villagers.deceased,
         "relation_to_deceased": "child"},
    )  # fmt: skip
    clerk = office_client("clerk")
    page = clerk.get(f"/office/requests/{reference}").get_data(as_text=True)
    assert "Наследници по закон" in page
    assert 'class="heir depth-1 included"' in page and "Георги Петров Колев" in page
    assert 'class="heir depth-1 excluded"' in page and "Елена Петрова Иванова" in page
    assert 'class="heir depth-2 included"' in page and "Николай Андреев Иванов" in page
    assert 'name="confirmed_heirs"' in page
    unconfirmed = clerk.post(f"/office/requests/{reference}/approve")
    assert unconfirmed.status_code == 409 and status_of(central, reference) != "issued"
    digest = page.split('name="confirmed_heirs" value="')[1].split('"')[0]
    clerk.post(f"/office/requests/{reference}/approve", {"confirmed_heirs": digest})
    assert status_of(central, reference) == "issued"


def test_staff_record_an_authorisation_and_the_block_goes(central, office_client, villagers):
    reference = file_request(
        central,
        "permanent-address-certificate",
        {"first_name": "Иван", "middle_name": "Петров", "last_name": "Димитров",
         "personal_number_kind": "egn", "personal_number": VALID_EGN,
         "for_whom": "other", "other_personal_number_kind": "egn",
         "other_personal_number": villagers.stranger},
    )  # fmt: skip
    clerk = office_client("clerk")
    page = clerk.get(f"/office/requests/{reference}").get_data(as_text=True)
    assert "служител не е вписал пълномощно" in page
    clerk.post(
        f"/office/requests/{reference}/authorise",
        {"document": "пълномощно рег. № 88/2026, нотариус Д. Петков"},
    )
    page = clerk.get(f"/office/requests/{reference}").get_data(as_text=True)
    assert "пълномощно рег. № 88/2026" in page and "Няма пречки" in page
