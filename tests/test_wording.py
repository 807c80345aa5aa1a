"""Words that change with a number and amounts of money (sync.wording), shared by kiosk and
office."""

from __future__ import annotations

import pytest

from sync.wording import NOUNS, counted, money


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [
        (1, "working_day", "1 работен ден"),
        (2, "working_day", "2 работни дни"),
        (0, "working_day", "0 работни дни"),
        (1, "attempt", "1 опит"),
        (4, "attempt", "4 опита"),
        (1, "file", "1 файл"),
        (12, "kiosk", "12 киоска"),
        (1, "record", "1 запис"),
        (21, "record", "21 записа"),
        (2.5, "day", "2,5 дни"),
        (1.5, "day", "1,5 дни"),
        (1.0, "day", "1 ден"),
        (1, "service", "1 услуга"),
    ],
)
def test_bulgarian_counts_take_the_form_of_their_number(count, noun, text):
    assert counted(count, noun, "bg") == text


def test_english_counts_too():
    assert counted(1, "attempt", "en") == "1 attempt"
    assert counted(3, "kiosk", "en") == "3 kiosks"


def test_every_noun_has_both_forms_in_both_languages():
    for noun, forms in NOUNS.items():
        assert set(forms) == {"bg", "en"}, noun
        assert all(len(pair) == 2 and all(pair) for pair in forms.values()), noun


def test_amounts_are_written_in_euro_with_a_decimal_comma():
    assert money(12.34, "bg") == "12,34 евро"
    assert money("2.5", "bg") == "2,50 евро"
    assert money(12.34, "en") == "€12.34"
