"""Officials and who may sign what: the records, the CLI, the refusal that names who may, and
the official's names, title and order on the issued document."""

from __future__ import annotations

import json
import subprocess

import pytest
from sqlalchemy import select

from central_api import decisions
from central_api.db import read
from central_api.db.schema import documents
from central_api.errors import NotAnOfficialError, NotAuthorisedError
from central_api.workflow import get_request
from tests.test_central_workflow import upload

POPULATION_REGISTER = "permanent-address-certificate,current-address-certificate"


@pytest.fixture
def users(central_cli):
    for name in ("mayor", "kozarevets", "revenue", "plain"):
        central_cli(
            "user", "add", name, "--role", "clerk", "--password-stdin", input="s3cret-pass\n"
        )
    return central_cli


@pytest.fixture
def officials(users):
    users(
        "officials", "add", "--user", "mayor", "--name", "Иван Петров Иванов",
        "--title", "Кмет на Община Лясковец", "--services", "all",
    )  # fmt: skip
    users(
        "officials", "add", "--user", "kozarevets", "--name", "Теодора Маринова Петрова",
        "--title", "Кмет на кметство Козаревец", "--services", POPULATION_REGISTER,
    )  # fmt: skip
    users(
        "officials", "add", "--user", "revenue", "--name", "Росица Николова Атанасова",
        "--title", "Старши инспектор „Местни приходи“", "--order", "РД-09-112/05.01.2026",
        "--services", "local-tax-debts-certificate",
    )  # fmt: skip
    return users


@pytest.fixture
def submitted(central_client, sim_kiosk):
    record = sim_kiosk.submitted()
    assert upload(central_client, sim_kiosk, [record])[0]["status"] == "applied"
    return record["body"]["reference"]


def test_officials_are_listed_with_title_order_and_services(officials):
    listed = json.loads(officials("officials", "list", "--json").stdout)
    by_user = {official["user"]: official for official in listed}
    assert by_user["mayor"]["services"] == "all" and by_user["mayor"]["order"] is None
    assert by_user["kozarevets"]["services"] == sorted(POPULATION_REGISTER.split(","))
    assert by_user["revenue"]["order"] == "Заповед № РД-09-112/05.01.2026 г."
    assert by_user["revenue"]["title"] == "Старши инспектор „Местни приходи“"
    assert "plain" not in by_user

    officials("officials", "remove", "--user", "revenue")
    listed = json.loads(officials("officials", "list", "--json").stdout)
    assert "revenue" not in {official["user"] for official in listed}


def test_a_malformed_order_or_unknown_service_is_refused_saying_what_to_write(users):
    bad_order = users(
        "officials", "add", "--user", "plain", "--name", "А Б В", "--title", "Т",
        "--order", "РД-09-112 от вчера", "--services", "all", ok=False,
    )  # fmt: skip
    assert bad_order.exit_code == 1 and "номер/дата" in bad_order.stderr
    unknown = users(
        "officials", "add", "--user", "plain", "--name", "А Б В", "--title", "Т",
        "--services", "no-such-service", ok=False,
    )  # fmt: skip
    assert unknown.exit_code == 1 and "no-such-service" in unknown.stderr


def test_a_user_who_is_not_an_official_cannot_approve(central, officials, submitted):
    with pytest.raises(NotAnOfficialError, match="не е длъжностно лице") as refused:
        decisions.approve(central.engine, submitted, "plain", signer=central.document_signer)
    assert "Иван Петров Иванов, Кмет на Община Лясковец" in refused.value.message
    with read(central.engine) as conn:
        assert get_request(conn, submitted)["status"] == "received"
        assert conn.execute(select(documents)).first() is None


def test_an_official_not_authorised_for_the_service_is_refused_with_who_may(
    central, officials, submitted
):
    with pytest.raises(NotAuthorisedError) as refused:
        decisions.approve(central.engine, submitted, "revenue", signer=central.document_signer)
    message = refused.value.message
    assert message.startswith("Росица Николова Атанасова (Старши инспектор „Местни приходи“)")
    assert "няма право да подписва „Удостоверение за постоянен адрес“" in message
    assert "Иван Петров Иванов, Кмет на Община Лясковец" in message
    assert "Теодора Маринова Петрова, Кмет на кметство Козаревец" in message
    who_may = message.split("Може да подпише:")[1].split(".")[0]
    assert "Росица" not in who_may
    with read(central.engine) as conn:
        assert conn.execute(select(documents)).first() is None


def test_the_refusal_reaches_the_command_line(officials, submitted):
    refused = officials("requests", "approve", submitted, "--as", "revenue", ok=False)
    assert refused.exit_code == 1
    assert "Може да подпише: Иван Петров Иванов, Кмет на Община Лясковец" in refused.stderr


def test_the_document_prints_the_approving_officials_names_title_and_order(
    central, officials, submitted, tmp_path
):
    officials(
        "officials", "add", "--user", "plain", "--name", "Гергана Стоянова Колева",
        "--title", "Длъжностно лице по гражданско състояние",
        "--order", "РД-09-7/12.01.2026", "--services", "permanent-address-certificate",
    )  # fmt: skip
    decisions.approve(central.engine, submitted, "plain", signer=central.document_signer)
    with read(central.engine) as conn:
        pdf = conn.execute(select(documents.c.pdf)).scalar_one()
    path = tmp_path / "issued.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Гергана Стоянова Колева" in text
    assert "Длъжностно лице по гражданско състояние" in text
    assert "Упълномощен(а) със Заповед № РД-09-7/12.01.2026 г." in text
    assert "plain" not in text  # the user name is not the official


def test_a_removed_official_can_no_longer_approve(central, officials, submitted):
    officials("officials", "remove", "--user", "kozarevets")
    with pytest.raises(NotAnOfficialError):
        decisions.approve(central.engine, submitted, "kozarevets", signer=central.document_signer)


def test_an_administrator_adds_and_removes_an_official_on_the_office_page(
    central, office_client, office_kiosk
):
    admin = office_client("admin")
    page = admin.get("/office/officials").get_data(as_text=True)
    assert "Мария Георгиева Петрова" in page and "Кмет на Община Лясковец" in page
    assert "Заповед № РД-09-3/04.01.2026 г." in page
    answer = admin.post("/office/officials/anna/remove", {}, follow_redirects=True)
    assert "Анна Колева Димитрова вече не подписва документи." in answer.get_data(as_text=True)
    answer = admin.post(
        "/office/officials/add",
        {
            "user": "anna",
            "names": "Анна Колева Димитрова",
            "title": "Длъжностно лице по гражданско състояние",
            "order": "РД-09-7/12.01.2026",
            "services": ["current-address-certificate"],
        },
        follow_redirects=True,
    )
    page = answer.get_data(as_text=True)
    assert "Анна Колева Димитрова вече подписва документи." in page
    assert "Заповед № РД-09-7/12.01.2026 г." in page
    reference = office_kiosk["references"][0]  # a permanent-address certificate
    refused = admin.post(f"/office/requests/{reference}/approve", {})
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert "Нямате право да подписвате документи за тази услуга." in text
    assert "Може да подпише: Мария Георгиева Петрова, Кмет на Община Лясковец" in text


def test_clerks_cannot_open_the_officials_page(office_client):
    assert office_client("clerk").get("/office/officials").status_code == 403
