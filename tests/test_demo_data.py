"""The demo's invented villagers pass the same checks as real ones."""

import random
from pathlib import Path

import pytest
from stdnum.bg import egn

from central_api.catalogue import default_catalogue
from central_api.municipality import load_municipality
from deploy.demo_data import egn_is_valid, fill_fields, make_egn, make_villager
from sync.catalogue import normalize_fields, validate_fields
from tests.fixtures_central import LYASKOVETS_PROFILE

ROOT = Path(__file__).resolve().parent.parent
# The shipped catalogue as central publishes it: settlement choices filled from the profile.
CATALOGUE = default_catalogue(load_municipality(LYASKOVETS_PROFILE))


@pytest.mark.parametrize("number", ["7523169263", "0550290476"])
def test_known_good_egn_pass_the_checksum(number):
    assert egn_is_valid(number)


def test_a_wrong_check_digit_fails():
    assert not egn_is_valid("7523169264")


def test_generated_egn_are_valid_and_carry_birth_date_and_sex():
    import datetime as dt

    rng = random.Random(7)
    for birth, male in [(dt.date(1948, 3, 1), True), (dt.date(2004, 12, 31), False)]:
        number = make_egn(birth, male, rng)
        assert egn.is_valid(number)
        assert egn.get_birth_date(number) == birth
        assert int(number[8]) % 2 == (0 if male else 1)


def test_villagers_have_valid_egn_and_phone():
    rng = random.Random(3)
    for _ in range(500):
        person = make_villager("kozarevets", rng)
        assert egn.is_valid(person.egn)
        assert person.phone.startswith("08") and len(person.phone) == 10


@pytest.mark.parametrize("service", CATALOGUE["services"], ids=lambda s: s["id"])
def test_every_catalogue_service_can_be_filled_validly(service):
    summary = {
        "id": service["id"],
        "fields": [
            {"name": f["name"], "type": f["type"], "required": f["required"]}
            for f in service["fields"]
        ],
    }
    rng = random.Random(service["id"])
    for _ in range(20):
        answers = fill_fields(summary, "dragizhevo", rng)
        assert answers is not None
        assert validate_fields(service, normalize_fields(service, answers)) == []
