"""No municipality is built into the software: the packages name neither Lyaskovets nor its
villages nor its province. They live in the example profile (deploy/profiles/) and the demo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("central_api", "kiosk_app", "sync", "printing")
NAMES = re.compile(
    r"Лясковец|Lyaskovets|Джулюница|Dzhulyunitsa|Добри дял|Dobri.dyal|Козаревец|Kozarevets"
    r"|Драгижево|Dragizhevo|Мерданя|Merdanya|Велико Търново|Veliko Tarnovo",
    re.IGNORECASE,
)


def package_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path


@pytest.mark.parametrize("package", PACKAGES)
def test_no_package_names_the_municipality_or_its_settlements(package):
    found = []
    for path in package_files():
        if path.relative_to(ROOT).parts[0] != package:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for number, line in enumerate(text.splitlines(), start=1):
            if NAMES.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "names of the municipality belong in its profile:\n" + "\n".join(found)


def test_the_search_would_find_a_name_written_either_way():
    for written in ("Община ЛЯСКОВЕЦ", "dobri-dyal", "Dobri Dyal", "с. мерданя", "VELIKO TARNOVO"):
        assert NAMES.search(written), written
    assert NAMES.search((ROOT / "deploy/profiles/lyaskovets.toml").read_text(encoding="utf-8"))
