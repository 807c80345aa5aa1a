"""A villager's answers checked against a service: each problem says how to fix it, in two languages."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.bg import egn as stdnum_egn

from central_api.catalogue import default_catalogue
from sync.catalogue import (
    FieldProblem,
    find_service,
    normalize_field,
    normalize_fields,
    validate_field,
    validate_fields,
)
from tests.fixtures_central import LYASKOVETS

TODAY = dt.date(2026, 6, 1)
CATALOGUE = default_catalogue(LYASKOVETS)
# The domain notes also list 7111042925 as an ЕГН: it is python-stdnum's ЛНЧ example, and its ЕГН
# check digit is wrong (see test_the_domain_notes_third_example_is_an_lnch_not_an_egn).
VALID_EGNS = ["7523169263", "0550290476"]


def service(service_id="permanent-address-certificate"):
    return find_service(CATALOGUE, service_id)


def field_def(name, service_id="permanent-address-certificate"):
    return next(field for field in service(service_id)["fields"] if field["name"] == name)


def egn_field():
    """A field of type ``egn`` of the shipped catalogue: the deceased's, of a certificate of heirs."""
    return field_def("deceased_egn", "heirs-certificate")


def complete_answers(**changes):
    """One's own permanent-address certificate: who it is for and the ЕГН, nothing else."""
    answers = {
        "for_whom": "self",
        "personal_number_kind": "egn",
        "personal_number": "7523169263",
    }
    answers.update(changes)
    return {name: value for name, value in answers.items() if value is not None}


def assert_bilingual(problem: FieldProblem):
    assert set(problem.message) == {"bg", "en"}
    assert problem.message["bg"] != problem.message["en"]
    assert any("а" <= letter <= "я" for letter in problem.message["bg"].lower())


def test_a_complete_permanent_address_request_has_no_problems():
    assert validate_fields(service(), complete_answers(), today=TODAY) == []


@pytest.mark.parametrize("number", VALID_EGNS)
def test_the_known_valid_egns_pass(number):
    assert validate_field(egn_field(), number, today=TODAY) is None


@pytest.mark.parametrize(
    "number, code, bg_words, en_words",
    [
        (
            "752316926",
            "egn_length",
            "трябва да има 10 цифри; вие въведохте 9",
            "10 digits; you entered 9",
        ),
        ("75231692631", "egn_length", "вие въведохте 11", "you entered 11"),
        ("75231A9263", "egn_not_digits", "само от цифри", "digits only"),
        ("7502319263", "egn_bad_date", "31.02", "31.02 does not exist"),
        ("7523169264", "egn_checksum", "Контролната цифра не съвпада", "last digit"),
        ("7513010000", "egn_bad_date", "01.13", "01.13 does not exist"),
    ],
)
def test_each_egn_mistake_has_its_own_code_and_says_how_to_fix_it(number, code, bg_words, en_words):
    problem = validate_field(egn_field(), number, today=TODAY)
    assert problem is not None
    assert problem.field == "deceased_egn"
    assert problem.code == code
    assert bg_words in problem.message["bg"]
    assert en_words in problem.message["en"]
    assert_bilingual(problem)


def test_an_egn_born_in_the_future_is_refused():
    # 1 February 2075: a real date and a right check digit (stdnum's own example), not yet born.
    number = "7542011030"
    assert stdnum_egn.is_valid(number)
    problem = validate_field(egn_field(), number, today=TODAY)
    assert problem.code == "egn_future"
    assert "01.02.2075" in problem.message["bg"]
    assert "01.02.2075" in problem.message["en"]


def test_the_domain_notes_third_example_is_an_lnch_not_an_egn():
    assert validate_field(egn_field(), "7111042925", today=TODAY).code == "egn_checksum"
    number_field = field_def("personal_number", "plot-sketch")
    assert (
        validate_field(number_field, "7111042925", others={"personal_number_kind": "lnch"}) is None
    )


def test_one_digit_is_singular():
    problem = validate_field(egn_field(), "7", today=TODAY)
    assert problem.message["bg"].endswith("въведохте 1 цифра.")
    assert problem.message["en"].endswith("you entered 1 digit.")


def test_an_egn_may_be_typed_with_spaces():
    assert validate_field(egn_field(), " 752316 9263 ", today=TODAY) is None


# ------------------------------------------------------------------ ЛНЧ and personal numbers


def test_lnch_checks_its_own_weights():
    lnch = {"name": "n", "type": "lnch", "required": True, "label": {"bg": "Л", "en": "L"}}
    assert validate_field(lnch, "7111042925") is None
    assert validate_field(lnch, "7111042922").code == "lnch_checksum"
    assert validate_field(lnch, "71110A2922").code == "lnch_not_digits"
    assert validate_field(lnch, "711104292").code == "lnch_length"
    assert "ЛНЧ трябва да има 10 цифри" in validate_field(lnch, "711104292").message["bg"]


def test_a_personal_number_is_checked_as_the_kind_chosen():
    number_field = field_def("personal_number", "plot-sketch")
    # 1000000001 passes the ЛНЧ checksum but is no ЕГН (month 00).
    lnch_only = "1000000001"
    assert validate_field(number_field, lnch_only, others={"personal_number_kind": "lnch"}) is None
    problem = validate_field(number_field, lnch_only, others={"personal_number_kind": "egn"})
    assert problem.code == "egn_bad_date"
    assert (
        validate_field(number_field, "7523169263", others={"personal_number_kind": "egn"}) is None
    )
    assert validate_field(
        number_field, "7523169263", others={"personal_number_kind": "lnch"}
    ).code == ("lnch_checksum")


def test_a_personal_number_before_the_kind_is_chosen_accepts_either():
    number_field = field_def("personal_number", "plot-sketch")
    assert validate_field(number_field, "1000000001") is None
    assert validate_field(number_field, "7523169263", today=TODAY) is None
    assert validate_field(number_field, "1234567890", today=TODAY).code.startswith("egn_")


def test_a_foreigner_can_ask_for_a_plot_sketch():
    answers = {
        "for_whom": "self",
        "personal_number_kind": "lnch",
        "personal_number": "1000000001",
        "phone": "+359 88 765 4321",
        "property_settlement": "merdanya",
        "property_identifier": "УПИ V-123, кв. 15",
        "ownership_document": "нотариален акт № 45, т. II, 2004 г.",
    }
    assert validate_fields(service("plot-sketch"), answers, today=TODAY) == []


# ------------------------------------------------------------------ the other types


@pytest.mark.parametrize(
    "value, code, words",
    [
        ("31.02.2020", "date_impossible", "Тази дата не съществува: 31.02."),
        ("2020-02-31", "date_impossible", "Тази дата не съществува: 31.02."),
        ("29.02.2023", "date_impossible", "29.02"),
        ("вчера", "date_format", "ден.месец.година"),
        ("2030-01-01", "date_future", "в бъдещето"),
        ("01.01.1700", "date_too_old", "1700"),
    ],
)
def test_dates_say_what_is_wrong(value, code, words):
    problem = validate_field(field_def("birth_date"), value, today=TODAY)
    assert problem.code == code
    assert words in problem.message["bg"]
    assert_bilingual(problem)


@pytest.mark.parametrize("value", ["2020-02-29", "29.02.2020", "5.3.1948"])
def test_real_dates_pass_in_iso_or_bulgarian_writing(value):
    assert validate_field(field_def("birth_date"), value, today=TODAY) is None


@pytest.mark.parametrize(
    "value, normal",
    [
        ("0888123456", "+359888123456"),
        ("0888 123 456", "+359888123456"),
        ("+359 888 123 456", "+359888123456"),
        ("00359888123456", "+359888123456"),
        ("062 60 22 11", "+35962602211"),
        ("+359 (0)888-123-456", "+359888123456"),
    ],
)
def test_bulgarian_phone_numbers_pass_and_normalise_to_plus_359(value, normal):
    assert validate_field(field_def("phone"), value) is None
    assert normalize_field(field_def("phone"), value) == normal


@pytest.mark.parametrize(
    "value", ["888123456", "08881234", "+44 20 7946 0958", "0888 12345 678", "телефон"]
)
def test_other_phone_numbers_are_refused_with_an_example(value):
    problem = validate_field(field_def("phone"), value)
    assert problem.code == "phone_invalid"
    assert "0888123456" in problem.message["bg"]


def test_email_choice_and_text_limits():
    assert validate_field(field_def("email"), "ivan@abv.bg") is None
    assert validate_field(field_def("email"), "ivan@abv").code == "email_invalid"
    assert validate_field(field_def("for_whom"), "neighbour").code == "choice_invalid"
    assert validate_field(field_def("for_whom"), "other") is None
    problem = validate_field(field_def("first_name"), "И" * 41)
    assert problem.code == "too_long"
    assert "41" in problem.message["bg"] and "40" in problem.message["en"]
    assert validate_field(field_def("first_name"), "Иван\nПетров").code == "bad_characters"
    ear_tags = field_def("ear_tags", "animal-ownership-certificate")
    assert validate_field(ear_tags, "BG 12345678\nBG 12345679") is None


def test_booleans_and_integers():
    yes_no = {"name": "agree", "type": "boolean", "required": True, "label": {"bg": "С", "en": "A"}}
    assert validate_field(yes_no, "да") is None
    assert validate_field(yes_no, "maybe").code == "boolean_invalid"
    count = {
        "name": "copies",
        "type": "integer",
        "required": False,
        "min": 1,
        "max": 5,
        "label": {"bg": "Брой", "en": "Copies"},
    }
    assert validate_field(count, "3") is None
    assert validate_field(count, "9").code == "integer_range"
    assert validate_field(count, "три").code == "integer_invalid"
    assert validate_field(count, "") is None


# ------------------------------------------------------------------ the whole form


def test_missing_required_fields_are_named_in_both_languages():
    problems = validate_fields(
        service(), complete_answers(personal_number=None, personal_number_kind="  "), today=TODAY
    )
    assert [(p.field, p.code) for p in problems] == [
        ("personal_number_kind", "required"),
        ("personal_number", "required"),
    ]
    assert "„Вашето ЕГН или ЛНЧ“" in problems[1].message["bg"]


def test_phone_and_e_mail_are_optional():
    assert validate_fields(service(), complete_answers(phone="", email=""), today=TODAY) == []
    assert validate_field(field_def("phone"), "") is None


def test_asking_for_another_person_makes_their_number_required_and_not_their_names():
    problems = validate_fields(service(), complete_answers(for_whom="other"), today=TODAY)
    assert [p.field for p in problems] == ["other_personal_number_kind", "other_personal_number"]
    done = complete_answers(
        for_whom="other", other_personal_number_kind="egn", other_personal_number="0550290476"
    )
    assert validate_fields(service(), done, today=TODAY) == []


def test_without_a_number_the_names_and_the_birth_date_are_asked_instead():
    by_names = complete_answers(personal_number_kind="birth_date", personal_number=None)
    problems = validate_fields(service(), by_names, today=TODAY)
    assert [p.field for p in problems] == ["first_name", "middle_name", "last_name", "birth_date"]
    by_names.update(
        first_name="Иван", middle_name="Петров", last_name="Иванов", birth_date="16.03.1975"
    )
    assert validate_fields(service(), by_names, today=TODAY) == []


def test_an_answer_to_a_question_the_form_does_not_ask_is_a_problem():
    problems = validate_fields(service(), complete_answers(religion="православен"), today=TODAY)
    assert [(p.field, p.code) for p in problems] == [("religion", "unknown_field")]
    assert "не е част от този формуляр" in problems[0].message["bg"]
    assert "not on this form" in problems[0].message["en"]


def test_odd_input_becomes_problems_not_exceptions():
    assert validate_fields(service(), None)[0].code == "not_a_form"
    assert validate_fields(service(), complete_answers(personal_number=7523169263))[0].code == (
        "not_text"
    )
    problems = validate_fields(service(), {**complete_answers(), 5: "x"}, today=TODAY)
    assert [p.code for p in problems] == ["unknown_field"]


def test_problems_turn_into_json():
    problem = validate_field(egn_field(), "1", today=TODAY)
    assert problem.to_dict() == {
        "field": "deceased_egn",
        "code": "egn_length",
        "message": problem.message,
    }


def test_normalize_fields_makes_the_wire_form():
    normal = normalize_fields(
        service(),
        complete_answers(
            personal_number="752316 9263",
            phone="0888 123 456",
            birth_date="5.3.1975",
            email="",
            purpose=" банка ",
        ),
    )
    assert normal["personal_number"] == "7523169263"
    assert normal["phone"] == "+359888123456"
    assert normal["birth_date"] == "1975-03-05"
    assert normal["purpose"] == "банка"
    assert "email" not in normal
    assert validate_fields(service(), normal, today=TODAY) == []


def test_normalize_leaves_what_it_cannot_read_for_validation_to_report():
    normal = normalize_fields(service(), complete_answers(phone="123", birth_date="31.02.2020"))
    assert normal["phone"] == "123"
    assert normal["birth_date"] == "31.02.2020"


# ------------------------------------------------------------------ properties


@st.composite
def egns(draw):
    """A well-made ЕГН for any birth date from 1800 until today."""
    born = draw(st.dates(min_value=dt.date(1800, 1, 1), max_value=TODAY))
    month = born.month + (20 if born.year < 1900 else 40 if born.year >= 2000 else 0)
    serial = draw(st.integers(0, 999))
    stem = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial:03d}"
    return stem + stdnum_egn.calc_check_digit(stem)


@given(number=egns())
def test_any_well_made_egn_passes(number):
    assert validate_field(egn_field(), number, today=TODAY) is None


ANY_SERVICE = st.sampled_from(CATALOGUE["services"])


@st.composite
def answers_for(draw, service):
    names = [field["name"] for field in service["fields"]]
    keys = st.sampled_from(names) | st.text(max_size=12)
    values = st.text() | st.none() | st.integers() | st.sampled_from(VALID_EGNS + ["31.02.2020"])
    return draw(st.dictionaries(keys, values, max_size=len(names) + 3))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(data=st.data())
def test_validate_fields_never_raises_on_arbitrary_answers(data):
    chosen = data.draw(ANY_SERVICE)
    answers = data.draw(answers_for(chosen))
    problems = validate_fields(chosen, answers)
    for problem in problems:
        assert isinstance(problem, FieldProblem)
        assert problem.message["bg"] and problem.message["en"]
    normalize_fields(chosen, answers)


@given(value=st.text())
def test_validate_field_never_raises_on_any_text_for_any_field(value):
    for chosen in CATALOGUE["services"][:3] + [service("plot-sketch")]:
        for field in chosen["fields"]:
            validate_field(field, value, others={"personal_number_kind": value})
            normalize_field(field, value)


@given(value=st.text(alphabet="0123456789 -.", max_size=14))
def test_normalising_a_number_never_changes_whether_it_is_valid(value):
    number = egn_field()
    before = validate_field(number, value, today=TODAY)
    after = validate_field(number, normalize_field(number, value), today=TODAY)
    assert (before is None) == (after is None)
