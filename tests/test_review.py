"""The clerk's review grounded in the register: who the applicant is there, what differs from
the form, and what blocks approval — enforced in decisions.approve, not only on the page."""

from __future__ import annotations

import datetime

import pytest

from central_api import decisions, review
from central_api.db import read
from central_api.errors import ApprovalBlockedError
from central_api.workflow import get_request
from tests.test_central_workflow import upload

APPLICANT = {
    "first_name": "Иван",
    "middle_name": "Петров",
    "last_name": "Димитров",
    "phone": "0888123456",
}


def submit(client, kiosk, fields: dict, service: str = "permanent-address-certificate") -> str:
    record = kiosk.submitted()
    record["body"]["service"] = service
    record["body"]["fields"] = {**APPLICANT, **fields}
    result = upload(client, kiosk, [record])[0]
    assert result["status"] == "applied", result
    return record["body"]["reference"]


def reviewed(central, reference: str) -> review.Review:
    with read(central.engine) as conn:
        return review.review_request(conn, get_request(conn, reference))


def codes(found: review.Review) -> list[str]:
    return [block.code for block in found.blocks]


def approve(central, reference, clerk, confirmed_heirs=None):
    return decisions.approve(
        central.engine,
        reference,
        clerk,
        signer=central.document_signer,
        confirmed_heirs=confirmed_heirs,
    )


def test_the_applicant_is_found_by_egn_and_the_address_comes_from_the_register(
    central, villagers, central_clerk, central_client, sim_kiosk
):
    reference = submit(
        central_client,
        sim_kiosk,
        {"personal_number_kind": "egn", "personal_number": villagers.applicant},
    )
    found = reviewed(central, reference)
    assert found.approvable and found.applicant.person.full_name == "Иван Петров Димитров"
    assert found.facts["address"]["settlement"] == "с. Джулюница"
    assert found.facts["address"]["address"] == "ул. „Васил Левски“ № 12"


def test_typed_names_that_differ_from_the_register_are_shown_but_do_not_block(
    central, villagers, central_client, sim_kiosk
):
    reference = submit(
        central_client,
        sim_kiosk,
        {
            "personal_number_kind": "egn",
            "personal_number": villagers.applicant,
            "first_name": "Иванчо",
        },
    )
    found = reviewed(central, reference)
    assert [(d.field, d.typed, d.registered) for d in found.differences] == [
        ("first_name", "Иванчо", "Иван")
    ]
    assert found.approvable and found.facts["person"]["names"] == "Иван Петров Димитров"


def test_an_applicant_not_in_the_register_blocks_approval(
    central, villagers, central_clerk, central_client, sim_kiosk
):
    from central_api.registers.writers import make_egn

    nobody = make_egn(datetime.date(1990, 1, 1), True, 0)
    reference = submit(
        central_client, sim_kiosk, {"personal_number_kind": "egn", "personal_number": nobody}
    )
    assert codes(reviewed(central, reference)) == ["applicant_not_found"]
    with pytest.raises(ApprovalBlockedError) as caught:
        approve(central, reference, central_clerk)
    assert "not in the municipality's population register" in caught.value.message
    assert caught.value.blocks[0]["code"] == "applicant_not_found"
    with read(central.engine) as conn:
        assert get_request(conn, reference)["status"] == "received"


def test_a_deceased_applicant_blocks_approval(
    central, villagers, central_clerk, central_client, sim_kiosk
):
    reference = submit(
        central_client,
        sim_kiosk,
        {"personal_number_kind": "egn", "personal_number": villagers.dead_applicant},
    )
    assert codes(reviewed(central, reference)) == ["applicant_deceased"]
    with pytest.raises(ApprovalBlockedError):
        approve(central, reference, central_clerk)


def test_a_certificate_about_another_person_needs_an_authorisation_recorded_by_staff(
    central, villagers, central_clerk, central_client, sim_kiosk
):
    other = {
        "personal_number_kind": "egn",
        "personal_number": villagers.applicant,
        "for_whom": "other",
        "other_personal_number_kind": "egn",
        "other_personal_number": villagers.stranger,
    }
    reference = submit(central_client, sim_kiosk, other)
    assert codes(reviewed(central, reference)) == ["authorisation_missing"]
    with pytest.raises(ApprovalBlockedError):
        approve(central, reference, central_clerk)
    review.record_authorisation(
        central.engine, reference, "пълномощно рег. № 1234/2026, нотариус Д. Петков", central_clerk
    )
    found = reviewed(central, reference)
    assert found.approvable and found.facts["person"]["names"] == "Росица Ганчева Тодорова"
    request, document = approve(central, reference, central_clerk)
    assert request["status"] == "issued" and document["number"]


def pdf_text(central, number: str, tmp_path) -> str:
    import subprocess

    from sqlalchemy import select

    from central_api.db.schema import documents

    with read(central.engine) as conn:
        pdf = conn.execute(select(documents.c.pdf).where(documents.c.number == number)).scalar()
    path = tmp_path / f"{number}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def heirs_request(client, kiosk, villagers, applicant: str, relation: str = "child") -> str:
    fields = {
        "personal_number_kind": "egn",
        "personal_number": applicant,
        "deceased_egn": villagers.deceased,
    }
    fields["relation_to_deceased"] = relation
    if applicant == villagers.son:
        fields.update(first_name="Георги", middle_name="Петров", last_name="Колев")
    return submit(client, kiosk, fields, service="heirs-certificate")


def test_the_heirs_come_from_the_register_with_representation(
    central, villagers, central_clerk, central_client, sim_kiosk, tmp_path
):
    reference = heirs_request(central_client, sim_kiosk, villagers, villagers.son)
    found = reviewed(central, reference)
    assert found.approvable, found.blocks
    included = {entry.person.first_name: entry.relation for entry in found.heirs.heirs}
    assert included == {"Георги": "descendant", "Николай": "descendant", "Мария": "spouse"}
    elena = next(e for e in found.heirs.entries if e.person.first_name == "Елена")
    assert not elena.included and not elena.alive_at_death

    with pytest.raises(ApprovalBlockedError) as unconfirmed:
        approve(central, reference, central_clerk)
    assert unconfirmed.value.blocks[0]["code"] == "heirs_not_confirmed"
    _, document = approve(central, reference, central_clerk, review.heirs_digest(found))
    text = pdf_text(central, document["number"], tmp_path)
    assert "УДОСТОВЕРЕНИЕ за наследници" in text
    assert "Петър Стоянов Колев" in text and "починал на 15.01.2025 г." in text
    for name, egn in (("Георги Петров Колев", villagers.son), ("Мария Илиева Колева", villagers.widow),
                      ("Николай Андреев Иванов", villagers.grandson)):  # fmt: skip
        assert f"{name}, ЕГН {egn}" in text
    assert "Елена" not in text.split("наследници по закон:")[1]
    assert "с. Джулюница, ул. „Христо Ботев“ № 3" in text


def test_an_applicant_who_is_no_heir_needs_an_authorisation(
    central, villagers, central_client, sim_kiosk
):
    reference = heirs_request(central_client, sim_kiosk, villagers, villagers.stranger, "other")
    assert codes(reviewed(central, reference)) == ["authorisation_missing"]


def test_heirs_of_a_living_person_are_refused_by_the_register(
    central, villagers, central_client, sim_kiosk
):
    fields = {
        "personal_number_kind": "egn",
        "personal_number": villagers.son,
        "deceased_egn": villagers.widow,
    }
    fields["relation_to_deceased"] = "child"
    reference = submit(central_client, sim_kiosk, fields, service="heirs-certificate")
    assert codes(reviewed(central, reference)) == ["not_deceased"]


def test_the_tax_certificate_lists_the_debts_on_the_day_of_issue(
    central, villagers, central_clerk, central_client, sim_kiosk, tmp_path
):
    fields = {
        "personal_number_kind": "egn",
        "personal_number": villagers.applicant,
        "debts_for": "all",
    }
    reference = submit(central_client, sim_kiosk, fields, service="local-tax-debts-certificate")
    found = reviewed(central, reference)
    assert found.approvable
    owed = {(d["kind"], d["year"]): d["outstanding_cents"] for d in found.facts["debts"]}
    assert owed == {("waste", 2025): 2000, ("property", 2026): 1550}  # the vehicle tax is paid
    _, document = approve(central, reference, central_clerk)
    text = pdf_text(central, document["number"], tmp_path)
    assert f"ЕГН {villagers.applicant}" in text
    assert "такса за битови отпадъци, DZH0012" in text and "за 2025 г.: 20,00 евро" in text
    assert "данък върху недвижимите имоти, DZH0012" in text and "15,50 евро" in text
    assert "Общо: 35,50 евро." in text and "не включват лихви" in text


def test_a_taxpayer_without_debts_gets_a_certificate_that_says_so(
    central, villagers, central_clerk, central_client, sim_kiosk, tmp_path
):
    fields = {"personal_number_kind": "egn", "personal_number": villagers.son, "debts_for": "all"}
    fields.update(first_name="Георги", middle_name="Петров", last_name="Колев")
    reference = submit(central_client, sim_kiosk, fields, service="local-tax-debts-certificate")
    _, document = approve(central, reference, central_clerk)
    text = pdf_text(central, document["number"], tmp_path)
    assert "няма задължения за местни данъци и такси" in text and "Георги Петров Колев" in text


def test_the_address_certificate_reads_the_register_and_its_gendered_words(
    central, villagers, central_clerk, central_client, sim_kiosk, tmp_path
):
    reference = submit(
        central_client,
        sim_kiosk,
        {
            "personal_number_kind": "egn",
            "personal_number": villagers.applicant,
            "first_name": "Иванчо",
        },
    )
    _, document = approve(central, reference, central_clerk)
    text = pdf_text(central, document["number"], tmp_path)
    assert "Иван Петров Димитров, ЕГН 7523169263, роден на 16.03.1875 г." in text
    assert (
        "е с постоянен адрес: обл. Велико Търново, общ. Лясковец, с. Джулюница, "
        "ул. „Васил Левски“ № 12 (вписан на 10.05.2001 г.)"
    ) in text
    assert "Иванчо" not in text


def test_the_marital_status_certificate_names_the_spouse_from_the_register(
    central, villagers, central_clerk, central_client, sim_kiosk, tmp_path
):
    fields = {
        "personal_number_kind": "egn",
        "personal_number": villagers.wife,
        "certificate_variant": "status",
    }
    fields.update(first_name="Иванка", middle_name="Петрова", last_name="Димитрова")
    reference = submit(central_client, sim_kiosk, fields, service="marital-status-certificate")
    _, document = approve(central, reference, central_clerk)
    text = pdf_text(central, document["number"], tmp_path)
    assert "родена на 01.08.1950 г., е със семейно положение: омъжена." in text
    assert "Съпруг: Иван Петров Димитров, ЕГН 7523169263." in text
