"""Another municipality runs the same software with nothing but its own profile: a made-up
"Община Примерово" with other settlements, from the kiosk to central, the receipt and the fleet
map, with real processes (``central-api serve`` and the ``kiosk-app`` CLI)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures_central import ROOT

PRIMEROVO = ROOT / "tests" / "profiles" / "primerovo.toml"
LYASKOVETS_NAMES = ("Лясковец", "Lyaskovets", "Джулюница", "Dzhulyunitsa", "Велико Търново")
FIELDS = {
    "personal_number_kind": "egn",
    "personal_number": "7523169263",
    "phone": "0888123456",
}


@pytest.fixture
def municipality_file() -> Path:
    return PRIMEROVO


@pytest.fixture
def villagers(central) -> str:
    """Primerovo's own small register: the applicant lives in Горно Примерово."""
    from central_api import registers
    from central_api.db import write
    from central_api.municipality import current_municipality
    from central_api.registers.writers import PersonSpec, PopulationWriter

    people = PopulationWriter()
    people.people[FIELDS["personal_number"]] = PersonSpec(
        FIELDS["personal_number"], "Иван", "Петров", "Иванов", "M", dt.date(1875, 3, 16),
        settlement="gorno-primerovo", address="ул. „Първа“ № 5",
        address_since=dt.date(2001, 5, 10),
    )  # fmt: skip
    with write(central.engine) as conn:
        settlements = registers.known_settlements(current_municipality(conn))
        registers.import_population(conn, people.csv(), settlements, actor="test")
    return FIELDS["personal_number"]


def kiosk_app(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("KIOSK_PRINTER", None)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"kiosk-app {' '.join(args)} failed: {result.stderr}"
    return result


def pdf_text(path: Path) -> str:
    output = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(output.stdout.split())


def assert_no_lyaskovets(text: str) -> None:
    for name in LYASKOVETS_NAMES:
        assert name not in text, name


@pytest.mark.parametrize("central_database_url", ["sqlite"], indirect=True)
def test_a_second_municipality_walks_a_request_to_central_with_its_receipt_and_map(
    central_server, central_cli, office_client, office_users, municipality, tmp_path
):
    from kiosk_app.app import KioskApp
    from kiosk_app.config import KioskConfig

    assert municipality.official_name.bg == "Община Примерово"
    base_url, _ = central_server
    home = tmp_path / "kiosk"
    token = central_cli("kiosk", "invite", "gorno-primerovo").stdout.strip().splitlines()[-1]
    enrolled = json.loads(
        kiosk_app(home, "enroll", "--central", base_url, "--token", token, "--json").stdout
    )
    assert enrolled["kiosk_id"] == "gorno-primerovo-1"

    # The kiosk offers Primerovo's settlements where a form asks for one.
    services = json.loads(kiosk_app(home, "services", "--json").stdout)
    assert "plot-sketch" in [service["id"] for service in services]
    kiosk = KioskApp(KioskConfig(home=home))
    sketch = kiosk.get_service("plot-sketch")
    choice = next(f for f in sketch["fields"] if f["name"] == "property_settlement")
    assert [option["value"] for option in choice["options"]] == [
        "primerovo",
        "gorno-primerovo",
        "dolno-primerovo",
    ]
    assert choice["options"][1]["label"] == {"bg": "с. Горно Примерово", "en": "Gorno Primerovo"}

    arguments = [arg for name, value in FIELDS.items() for arg in ("--field", f"{name}={value}")]
    submitted = kiosk_app(home, "submit", "permanent-address-certificate", *arguments)
    reference = submitted.stdout.strip().splitlines()[-1]
    assert reference == "GPR1-00001"  # the village's abbreviation from the profile

    # The villager's receipt and the request form to sign name Primerovo and the village.
    printed_before = set((home / "printed").glob("*.pdf"))
    kiosk.print_receipt(reference)
    printed = {p.name: p for p in set((home / "printed").glob("*.pdf")) - printed_before}
    assert sorted(printed) == [f"receipt-{reference}.pdf", f"request-form-{reference}.pdf"]
    form_text = pdf_text(printed[f"request-form-{reference}.pdf"])
    assert "ОБЩИНА ПРИМЕРОВО" in form_text.upper() and reference in form_text
    assert_no_lyaskovets(form_text)
    receipt_text = pdf_text(printed[f"receipt-{reference}.pdf"])
    assert "Община Примерово — информационен център" in receipt_text
    assert "Primerovo Municipality — information centre" in receipt_text
    assert "Горно Примерово / Gorno Primerovo" in receipt_text and reference in receipt_text
    assert_no_lyaskovets(receipt_text)

    # The request reaches central under Primerovo's reference.
    kiosk_app(home, "sync")
    listed = json.loads(central_cli("requests", "list", "--json").stdout)
    assert [(row["reference"], row["village"]) for row in listed] == [
        (reference, "gorno-primerovo")
    ]

    # Primerovo's mayor approves it from Primerovo's register; the certificate printed at the
    # kiosk is Primerovo's, with the address the register holds and Primerovo's check address.
    central_cli("requests", "approve", reference, "--as", "maria")
    printed_before = set((home / "printed").glob("*.pdf"))
    kiosk_app(home, "sync")
    (certificate,) = sorted(set((home / "printed").glob("*.pdf")) - printed_before)
    certificate_text = pdf_text(certificate)
    assert "Община Примерово" in certificate_text
    assert "Кмет на Община Примерово" in certificate_text
    assert "Горно Примерово" in certificate_text and "ул. „Първа“ № 5" in certificate_text
    assert "proverka.primerovo.example" in certificate_text
    assert_no_lyaskovets(certificate_text)
    kiosk_app(home, "sync")  # the printed event goes up
    (row,) = json.loads(central_cli("requests", "list", "--json").stdout)
    assert row["status"] == "printed"

    # The office: Primerovo's name and coat of arms, its settlements on the fleet map.
    admin = office_client("admin")
    fleet = admin.get("/office/fleet").get_data(as_text=True)
    assert "Община Примерово" in fleet
    for name in ("Примерово", "Горно Примерово", "Долно Примерово", "gorno-primerovo-1"):
        assert name in fleet, name
    assert_no_lyaskovets(fleet)
    herb = admin.get("/office/coat-of-arms")
    assert herb.mimetype == "image/svg+xml"
    assert herb.data == (PRIMEROVO.parent / "primerovo-herb.svg").read_bytes()
    office_en = admin.post("/office/language", {"lang": "en", "next": "/office/fleet"})
    assert office_en.status_code == 302
    assert "Primerovo Municipality" in admin.get("/office/fleet").get_data(as_text=True)
