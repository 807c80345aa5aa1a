"""The population register in the web office: clerks look people up, the registrar corrects
an entry with a reason, auditors see who looked at whom (Flask test client)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from central_api import registers
from central_api.db import read, write
from central_api.db.schema import audit_log
from central_api.registers.writers import PopulationWriter
from tests.fixtures_central import LYASKOVETS

D = dt.date


@pytest.fixture
def villagers(central):
    w = PopulationWriter()
    home = {"settlement": "kozarevets", "address": "ул. „Иван Вазов“ № 4"}
    husband = w.person("Стоян", "Маринов", "M", D(1950, 2, 3), middle_name="Колев", **home)
    wife = w.person("Пенка", "Маринова", "F", D(1953, 4, 5), middle_name="Денева", **home)
    w.marry(husband, wife, D(1975, 9, 1))
    with write(central.engine) as conn:
        registers.import_population(
            conn, w.csv(), registers.known_settlements(LYASKOVETS), actor="test"
        )
        person = registers.find_person(conn, wife)
    return {"wife": person, "husband": husband}


def test_a_clerk_finds_a_person_by_egn_and_sees_the_entry(office_client, villagers):
    clerk = office_client("clerk")
    wife = villagers["wife"]
    found = clerk.get(f"/office/register?q={wife.egn}").get_data(as_text=True)
    assert "Пенка Денева Маринова" in found
    page = clerk.get(f"/office/register/person/{wife.id}").get_data(as_text=True)
    assert "Козаревец, ул. „Иван Вазов“ № 4" in page
    assert "Стоян Колев Маринов" in page  # the spouse
    assert "register_correct" not in page and 'name="reason"' not in page  # clerks only read


def test_searching_by_names_lists_the_matches(office_client, villagers):
    page = office_client("registrar").get("/office/register?q=Маринов").get_data(as_text=True)
    assert "Стоян Колев Маринов" in page and "Пенка Денева Маринова" in page


def test_the_registrar_corrects_with_a_reason_and_the_history_and_audit_keep_it(
    central, office_client, villagers
):
    registrar = office_client("registrar")
    wife = villagers["wife"]
    answer = registrar.post(
        f"/office/register/person/{wife.id}/correct",
        {
            "last_name": "Маринова-Колева",
            "current_settlement": "merdanya",
            "current_address": "ул. „Цар Освободител“ № 2",
            "current_since": "2026-03-01",
            "reason": "Решение № 12/2026 на Районен съд В. Търново",
        },  # fmt: skip
    )
    assert answer.status_code == 302
    page = registrar.get(f"/office/register/person/{wife.id}").get_data(as_text=True)
    assert "Пенка Денева Маринова-Колева" in page
    assert "Решение № 12/2026" in page and "Мерданя, ул. „Цар Освободител“ № 2" in page
    with read(central.engine) as conn:
        entry = conn.execute(
            select(audit_log).where(audit_log.c.action == "register.person_corrected")
        ).one()
        before = registers.addresses_on(conn, wife.id, "2026-02-28")
    assert entry.actor == "registrar:elena" and entry.subject == wife.egn
    assert json.loads(entry.details)["fields"] == ["current_address", "last_name"]
    assert before["current"].settlement == "kozarevets"


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(
    central, office_client, villagers
):
    registrar = office_client("registrar")
    wife = villagers["wife"]
    registrar.post(f"/office/register/person/{wife.id}/correct", {"last_name": "Х", "reason": ""})
    page = registrar.get(f"/office/register/person/{wife.id}").get_data(as_text=True)
    assert "Поправката не е приета" in page and "основанието" in page
    with read(central.engine) as conn:
        assert registers.get_person(conn, wife.id).last_name == "Маринова"


def test_only_the_registrar_may_correct(office_client, villagers):
    wife = villagers["wife"]
    for role in ("clerk", "admin", "auditor"):
        answer = office_client(role).post(
            f"/office/register/person/{wife.id}/correct", {"last_name": "Х", "reason": "защото"}
        )
        assert answer.status_code == 403, role
    assert office_client("auditor").get(f"/office/register/person/{wife.id}").status_code == 403


def test_auditors_see_who_looked_at_whom(office_client, villagers):
    wife = villagers["wife"]
    office_client("clerk").get(f"/office/register/person/{wife.id}")
    office_client("registrar").get(f"/office/register?q={wife.egn}")
    auditor = office_client("auditor")
    page = auditor.get("/office/register/lookups").get_data(as_text=True)
    assert page.count(wife.egn) == 2 and "maria" in page and "elena" in page
    only_maria = auditor.get("/office/register/lookups?user=maria").get_data(as_text=True)
    assert only_maria.count(wife.egn) == 1 and "elena" not in only_maria
