"""The kiosk reads central's enrollment answer by the names central gives, and only those: an
answer with other names is refused with what is missing, never guessed at."""

from __future__ import annotations

import pytest

from central_api.municipality import load_municipality
from kiosk_app.enrollment import parse_enrollment_answer
from kiosk_app.errors import EnrollmentError
from sync import Identity
from tests.fixtures_central import LYASKOVETS_PROFILE

CENTRAL = Identity.generate("central").public.to_json()
PROFILE = load_municipality(LYASKOVETS_PROFILE).to_json()


def answer(**changes) -> dict:
    body = {"kiosk_id": "merdanya-2", "kiosk_no": 2, "village": "merdanya", "central": CENTRAL,
            "municipality": PROFILE}  # fmt: skip
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def test_central_s_answer_gives_the_kiosk_its_id_number_village_and_central_s_key():
    kiosk_id, kiosk_no, village, central, catalogue = parse_enrollment_answer(answer())
    assert (kiosk_id, kiosk_no, village, catalogue) == ("merdanya-2", 2, "merdanya", None)
    assert central.to_json()["signing_key"] == CENTRAL["signing_key"]


@pytest.mark.parametrize(
    "changes, missing",
    [
        ({"kiosk_id": None, "id": "merdanya-2"}, "kiosk_id"),
        ({"kiosk_no": None, "number": 2}, "kiosk_no"),
        ({"central": None, "central_identity": CENTRAL}, "central"),
        ({"village": None}, "village"),
    ],
)
def test_other_names_are_not_guessed_at(changes, missing):
    with pytest.raises(EnrollmentError, match=f"lacks {missing}"):
        parse_enrollment_answer(answer(**changes))


@pytest.mark.parametrize(
    "changes", [{"kiosk_no": 3}, {"village": "kozarevets"}, {"kiosk_id": "merdanya"}]
)
def test_an_answer_that_contradicts_itself_is_refused(changes):
    with pytest.raises(EnrollmentError):
        parse_enrollment_answer(answer(**changes))
