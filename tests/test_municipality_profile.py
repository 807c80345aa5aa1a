"""The municipality profile: one file in central's home, checked with clear errors, published in
versions that go to the kiosks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from central_api.db import read
from central_api.db.schema import outbound_records
from central_api.errors import InvalidInputError
from central_api.municipality import current_municipality, load_municipality
from sync.municipality import Municipality, MunicipalityError
from tests.fixtures_central import LYASKOVETS_PROFILE, CentralCli, SimKiosk


def copy_profile(folder: Path, source: Path = LYASKOVETS_PROFILE) -> Path:
    """The profile and its coat of arms copied into ``folder``; the profile's path."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = load_municipality(source)
    shutil.copyfile(source.parent / profile.coat_of_arms, folder / profile.coat_of_arms)
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def add_settlement(path: Path, code: str, bg: str, en: str, abbreviation: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(
            f'\n[[settlements]]\ncode = "{code}"\nname = {{ bg = "{bg}", en = "{en}" }}\n'
            f'type = "deputy_mayor"\nabbreviation = "{abbreviation}"\n'
            "latitude = 43.12\nlongitude = 25.80\n"
        )


def test_the_shipped_profile_names_the_centre_and_five_villages(municipality):
    assert municipality.official_name.bg == "Община Лясковец"
    assert municipality.centre.code == "lyaskovets" and municipality.centre.kind == "town"
    assert [s.code for s in municipality.villages] == [
        "dzhulyunitsa",
        "dobri-dyal",
        "kozarevets",
        "dragizhevo",
        "merdanya",
    ]
    dobri_dyal = municipality.settlement("dobri-dyal")
    assert (dobri_dyal.name.en, dobri_dyal.abbreviation) == ("Dobri dyal", "DOB")
    assert dobri_dyal.label_bg == "с. Добри дял"
    assert municipality.coat_of_arms_data.startswith(b"<svg")
    assert Municipality.from_json(municipality.to_json()) == municipality


def test_an_unknown_settlement_is_refused_naming_the_known_ones(municipality):
    with pytest.raises(MunicipalityError, match="use one of lyaskovets, dzhulyunitsa"):
        municipality.settlement("sofia")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('en = "Lyaskovets Municipality"', 'en = ""', "official_name.en: the name is missing"),
        ('abbreviation = "DOB"', 'abbreviation = "DZH"', "'DZH' is used twice"),
        (
            'code = "merdanya"',
            'code = "Мерданя"',
            r"settlements\[5\].code: 'Мерданя' is not usable",
        ),
        ('type = "mayoralty"', 'type = "village"', "type: 'village' is not one of centre"),
        (
            'type = "centre"',
            'type = "mayoralty"',
            'exactly one settlement must have type = "centre"',
        ),
        ("latitude = 43.1720", "latitude = 143.1720", "latitude: 143.172 is not between"),
        ("https://verify.example.bg", "verify.example.bg", "verification_url: 'verify.example.bg'"),
        (
            'coat_of_arms = "lyaskovets-coat-of-arms.svg"',
            'coat_of_arms = "missing.svg"',
            "coat_of_arms: the image .*missing.svg cannot be read",
        ),
        ('name = { bg = "Лясковец", en = "Lyaskovets" }\nofficial', "official", "name: give"),
        ("[[settlements]]", "[[settlement]]", r"unknown key\(s\) settlement: "),
        ("[municipality]", "[municipality]\nmayor = 'X'", "unknown key.* municipality.mayor"),
        ("longitude = 25.7150", "longitude = 25.7150\npopulation = 6603", "unknown key"),
    ],
)
def test_a_wrong_profile_is_refused_naming_the_key_to_fix(tmp_path, old, new, message):
    path = copy_profile(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message) as refused:
        load_municipality(path)
    assert str(path) in refused.value.message


def test_a_profile_that_is_not_toml_says_so(tmp_path):
    path = tmp_path / "municipality.toml"
    path.write_text('[municipality\nname = "x"', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="is not valid TOML"):
        load_municipality(path)


def test_check_command_lists_the_settlements_or_names_the_mistake(central_cli, tmp_path):
    good = central_cli("municipality", "check", str(LYASKOVETS_PROFILE))
    assert "Община Лясковец / Lyaskovets Municipality: the profile is usable." in good.stdout
    assert "dobri-dyal" in good.stdout and "с. Добри дял" in good.stdout
    installed = json.loads(central_cli("municipality", "check", "--json").stdout)
    assert [s["code"] for s in installed["settlements"]][:2] == ["lyaskovets", "dzhulyunitsa"]
    path = copy_profile(tmp_path / "edited")
    path.write_text(path.read_text().replace('abbreviation = "KOZ"', 'abbreviation = "koz"'))
    bad = central_cli("municipality", "check", str(path), ok=False)
    assert bad.exit_code == 1
    assert "settlement 'kozarevets'.abbreviation: 'koz' is not usable" in bad.stderr


def test_init_without_a_profile_says_how_to_give_one(tmp_path):
    cli = CentralCli({"CENTRAL_HOME": str(tmp_path / "central")})
    refused = cli("init", ok=False)
    assert refused.exit_code == 1
    assert "central-api init --municipality FILE" in refused.stderr
    assert "deploy/profiles/" in refused.stderr


def test_adding_a_settlement_is_a_change_of_the_file_then_an_enrollment(
    central, central_cli, central_app
):
    """No new software: the administrator edits municipality.toml, checks it, runs init; the
    kiosks hear of the new version, and the new village's kiosk can be invited and enrolled."""
    existing = SimKiosk.enroll(central_app.test_client(), central_cli, "kozarevets")
    refused = central_cli("kiosk", "invite", "samovodene", ok=False)
    assert "Unknown village 'samovodene'" in refused.stderr
    profile = central.home / "municipality.toml"
    add_settlement(profile, "samovodene", "Самоводене", "Samovodene", "SAM")
    assert "samovodene" in central_cli("municipality", "check").stdout
    assert "(version 2)" in central_cli("init").stdout
    with read(central.engine) as conn:
        assert current_municipality(conn).settlement("samovodene").name.bg == "Самоводене"
        sent = conn.execute(
            select(outbound_records.c.kiosk_id, outbound_records.c.record).where(
                outbound_records.c.type == "municipality.updated"
            )
        ).all()
    assert [kiosk_id for kiosk_id, _ in sent] == [existing.kiosk_id]
    body = json.loads(sent[0].record)["body"]
    assert body["version"] == 2 and body["settlements"][-1]["code"] == "samovodene"
    newcomer = SimKiosk.enroll(central_app.test_client(), central_cli, "samovodene")
    assert newcomer.kiosk_id == "samovodene-1"
    assert newcomer.next_reference().startswith("SAM1-")
    assert "(version 2)" in central_cli("init").stdout  # unchanged: no new version
