"""The council's majorities (ЗМСМА чл. 27) with named cases, and the list of legal bases."""

from __future__ import annotations

import pytest

from central_api.council.errors import CouncilInputError
from central_api.council.rules import Tally, bases, basis, decide, has_quorum, votes_needed

COUNCIL = 17  # Lyaskovets: 10,001–20,000 inhabitants (чл. 19 ЗМСМА)


def test_quorum_needs_more_than_half_of_all_councillors():
    assert not has_quorum(8, COUNCIL)
    assert has_quorum(9, COUNCIL)
    assert not has_quorum(6, 12)  # exactly half is not more than half
    assert has_quorum(7, 12)


def test_without_quorum_nothing_passes_even_unanimously():
    outcome = decide("simple", Tally(8, 0, 0), total=COUNCIL, present=8)
    assert not outcome.passed and not outcome.quorum
    assert "кворум" in outcome.reason_bg


def test_simple_majority_is_more_than_half_of_those_present():
    assert decide("simple", Tally(6, 5, 0), total=COUNCIL, present=11).passed
    assert not decide("simple", Tally(5, 5, 1), total=COUNCIL, present=11).passed


def test_abstaining_and_not_voting_weigh_like_against_under_a_simple_majority():
    # 10 present: 5 for is exactly half, not more than half, whatever the others did.
    assert not decide("simple", Tally(5, 0, 5), total=COUNCIL, present=10).passed
    assert not decide("simple", Tally(5, 1, 0), total=COUNCIL, present=10).passed
    assert decide("simple", Tally(6, 0, 0), total=COUNCIL, present=10).passed


def test_absolute_majority_is_more_than_half_of_all_councillors():
    assert votes_needed("absolute", total=COUNCIL, present=12) == (9, COUNCIL)
    assert not decide("absolute", Tally(8, 0, 4), total=COUNCIL, present=12).passed
    assert decide("absolute", Tally(9, 3, 0), total=COUNCIL, present=12).passed


def test_two_thirds_of_all_councillors_rounds_up():
    assert votes_needed("two_thirds", total=COUNCIL, present=17) == (12, COUNCIL)
    assert votes_needed("two_thirds", total=21, present=21) == (14, 21)
    assert not decide("two_thirds", Tally(11, 0, 0), total=COUNCIL, present=15).passed
    assert decide("two_thirds", Tally(12, 3, 0), total=COUNCIL, present=15).passed


def test_a_conflicted_councillor_counts_for_the_quorum_but_not_in_the_simple_base():
    # 9 of 17 present is a quorum even though one of them may not vote on this item ...
    outcome = decide("simple", Tally(5, 3, 0), total=COUNCIL, present=9, conflicted=1)
    assert outcome.quorum
    # ... and the simple majority is more than half of the 8 who may vote: 5.
    assert outcome.base == 8 and outcome.needed == 5 and outcome.passed


def test_a_conflict_does_not_lower_a_majority_of_all_councillors():
    outcome = decide("absolute", Tally(8, 0, 0), total=COUNCIL, present=12, conflicted=4)
    assert outcome.needed == 9 and not outcome.passed


def test_more_votes_than_voters_is_refused():
    with pytest.raises(CouncilInputError):
        decide("simple", Tally(9, 1, 0), total=COUNCIL, present=10, conflicted=1)


def test_an_unknown_majority_is_refused_with_the_known_ones_named():
    with pytest.raises(CouncilInputError, match="two_thirds"):
        votes_needed("unanimous", total=COUNCIL, present=17)


def test_every_legal_basis_names_a_known_rule_kind_and_an_article():
    listed = bases()
    assert {"ordinary", "budget", "chair_election", "public_property_to_private"} <= set(listed)
    for entry in listed.values():
        assert entry.basis.startswith("чл. ")
        assert entry.title_bg and entry.title_en
    assert basis("budget").kind == "named" and basis("budget").rule == "absolute"
    assert basis("chair_election").kind == "secret"
    assert basis("ordinary").basis == "чл. 27, ал. 3 ЗМСМА"


def test_an_unknown_legal_basis_is_refused():
    with pytest.raises(CouncilInputError, match="budget"):
        basis("because-we-said-so")
