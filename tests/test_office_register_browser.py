"""The registrar in a real Chromium: finds a villager, corrects the entry, the history shows it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from central_api.registers.writers import PopulationWriter

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs/screenshots/office"


@pytest.fixture(scope="module")
def registered(office_demo, tmp_path_factory):
    w = PopulationWriter()
    home = {"settlement": "dragizhevo", "address": "ул. „Трети март“ № 15"}
    husband = w.person("Тодор", "Атанасов", "M", dt.date(1948, 5, 6), middle_name="Маринов", **home)
    wife = w.person("Радка", "Атанасова", "F", dt.date(1951, 8, 9), middle_name="Петрова", **home)
    w.marry(husband, wife, dt.date(1972, 4, 30))
    w.person("Милена", "Атанасова", "F", dt.date(1975, 2, 1), middle_name="Тодорова",
             mother=wife, father=husband, **home)  # fmt: skip
    w.die(husband, dt.date(2023, 11, 2), "Драгижево")
    path = tmp_path_factory.mktemp("register") / "population.csv"
    path.write_bytes(w.csv())
    subprocess.run(
        [sys.executable, "-m", "central_api.cli", "registers", "import", "population", str(path)],
        env=office_demo.env(), check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return wife


def test_the_registrar_finds_and_corrects_an_entry_in_the_browser(office_page, registered):
    page = office_page("registrar")
    page.get_by_role("link", name="Регистър на населението").click()
    page.locator("#register-q").fill("Атанасова")
    page.get_by_role("button", name="Търсене").click()
    page.get_by_role("link", name="Радка Петрова Атанасова").click()
    assert "Драгижево, ул. „Трети март“ № 15" in page.locator("dl.facts").inner_text()
    page.locator("#fix-current-settlement").select_option("dzhulyunitsa")
    page.locator("#fix-current-address").fill("ул. „Възраждане“ № 3")
    page.locator("#fix-reason").fill("Заявление за настоящ адрес вх. № 94-00-17/2026")
    page.get_by_role("button", name="Запишете поправката").click()
    page.wait_for_load_state()
    assert "Записът е поправен" in page.locator("p.flash").inner_text()
    history = page.locator("section[aria-labelledby=h-history] table").inner_text()
    assert "94-00-17/2026" in history and "current_address" in history
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "register-person-bg.png"), full_page=True)
