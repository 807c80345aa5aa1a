"""The one whole-form check (FormChecker, also behind validate_fields) says, for any form, what
each field's own check says given the whole form, in the service's order, then the answers the
form has no field for."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.bg import egn as stdnum_egn
from stdnum.exceptions import ValidationError

from central_api.catalogue import default_catalogue
from sync.answers import FormChecker, _egn_birth_date, validate_field, validate_fields
from tests.fixtures_central import LYASKOVETS

TODAY = dt.date(2026, 6, 1)
SERVICES = default_catalogue(LYASKOVETS)["services"]
CHECKERS = {service["id"]: FormChecker(service) for service in SERVICES}

# Answers of every kind the catalogue's fields take, right and wrong.
ANSWERS = st.one_of(
    st.sampled_from(
        [
            "Иванка",
            "  Петрова ",
            "",
            "   ",
            "7523169263",
            "752316 9263",
            "7523169264",
            "7502309263",
            "0550290476",
            "1234567890",
            "0888123456",
            "+359 888 123 456",
            "12",
            "05.03.1948",
            "1948-03-05",
            "31.02.1948",
            "05.03.2099",
            "ivan@abv.bg",
            "ivan@",
            "да",
            "no",
            "maybe",
            "3",
            "9999999999",
            "egn",
            "lnch",
            "ordinary",
            "ред\nдва",
            "знак\x07",
            "я" * 250,
            "я" * 2500,
        ]
    ),
    st.text(max_size=30),
    st.none(),
    st.integers(),
    st.booleans(),
    st.lists(st.text(max_size=3), max_size=2),
)


@st.composite
def forms(draw):
    service = draw(st.sampled_from(SERVICES))
    names = [field["name"] for field in service["fields"]]
    option_values = [
        option["value"] for field in service["fields"] for option in field.get("options", [])
    ]
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    form = {}
    for name in chosen:
        form[name] = draw(st.one_of(ANSWERS, st.sampled_from(option_values or [""])))
    for extra in draw(st.lists(st.sampled_from(["favourite_colour", "EGN", "", "egn "]))):
        form[extra] = draw(ANSWERS)
    return service, form


# 400 forms over every service of the catalogue: each field kind, empty and hostile answers.
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forms())
def test_a_form_has_exactly_the_problems_of_its_fields_in_order_then_the_unknown_answers(case):
    service, form = case
    by_field = [
        validate_field(field, form.get(field["name"]), others=form, today=TODAY)
        for field in service["fields"]
    ]
    known = {field["name"] for field in service["fields"]}
    unknown = [name for name in form if name not in known]
    problems = CHECKERS[service["id"]].check(form, today=TODAY)
    assert problems[: len(problems) - len(unknown)] == [p for p in by_field if p is not None]
    assert [(p.field, p.code) for p in problems[len(problems) - len(unknown) :]] == [
        (name, "unknown_field") for name in unknown
    ]
    assert validate_fields(service, form, today=TODAY) == problems  # the same check, unprepared


def test_a_complete_form_has_no_problems_and_a_wrong_one_names_its_fields_in_form_order():
    checker = CHECKERS["permanent-address-certificate"]
    good = {"for_whom": "self", "personal_number_kind": "egn", "personal_number": "7523169263"}
    assert checker.check(good, today=TODAY) == []
    assert checker.check({**good, "phone": "0888 123 456"}, today=TODAY) == []
    bad = {"phone": "12", "extra": "x", "personal_number": "7523169264", "for_whom": "x"}
    problems = checker.check(bad, today=TODAY)
    order = [field["name"] for field in checker.service["fields"]]
    named = [problem.field for problem in problems[:-1]]
    assert named == sorted(named, key=order.index)
    assert named[0] == "for_whom"
    assert problems[-1].code == "unknown_field"
    assert {problem.code for problem in problems} >= {"egn_checksum", "phone_invalid", "required"}


def test_by_names_and_birth_date_the_number_is_not_required():
    checker = CHECKERS["current-address-certificate"]
    by_names = {"for_whom": "self", "personal_number_kind": "birth_date"}
    assert [p.field for p in checker.check(by_names, today=TODAY)] == [
        "first_name",
        "middle_name",
        "last_name",
        "birth_date",
    ]
    by_names.update(
        first_name="Иван", middle_name="Петров", last_name="Иванов", birth_date="1975-03-16"
    )
    assert checker.check(by_names, today=TODAY) == []


@pytest.mark.parametrize("not_a_form", [None, "text", ["a"], 3])
def test_something_that_is_not_a_form_is_one_problem_that_says_start_again(not_a_form):
    service = SERVICES[0]
    (problem,) = CHECKERS[service["id"]].check(not_a_form)
    assert problem.code == "not_a_form" and "start again" in problem.message["en"]
    assert validate_fields(service, not_a_form) == [problem]


def test_the_birth_date_of_an_egn_is_read_as_python_stdnum_reads_it():
    # Every month code (the century lives in it) and every day, over three years.
    for year in ("00", "48", "99"):
        for month in range(0, 100):
            for day in range(0, 33):
                number = f"{year}{month:02d}{day:02d}0000"
                try:
                    expected = stdnum_egn.get_birth_date(number)
                except ValidationError:
                    expected = None
                try:
                    ours = _egn_birth_date(number)
                except ValueError:
                    ours = None
                assert ours == expected, number
