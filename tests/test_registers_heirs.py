"""Legal heirs from the population register by the Inheritance Act (ЗН чл. 5–10)."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central_api import registers
from central_api.registers.writers import PopulationWriter
from tests.registers_helpers import Register

D = dt.date
DEATH = D(2024, 5, 10)


def heirs_of(writer: PopulationWriter, egn: str) -> dict[str, tuple[str, Fraction | None]]:
    with Register(writer) as conn:
        result = registers.legal_heirs(conn, registers.find_person(conn, egn))
    return {e.person.egn: (e.relation, e.share) for e in result.heirs}, result


def household(w: PopulationWriter):
    husband = w.person("Иван", "Петров", "M", D(1955, 1, 2), middle_name="Георгиев")
    wife = w.person("Мария", "Петрова", "F", D(1957, 3, 4), middle_name="Стоянова")
    w.marry(husband, wife, D(1980, 6, 1))
    return husband, wife


def child(w, mother, father, born, first="Петър", sex="M"):
    return w.person(first, "Петрови", sex, born, mother=mother, father=father)


def test_spouse_and_children_share_equally():
    w = PopulationWriter()
    husband, wife = household(w)
    a = child(w, wife, husband, D(1981, 1, 1))
    b = child(w, wife, husband, D(1984, 1, 1), "Анна", "F")
    w.die(husband, DEATH)
    heirs, result = heirs_of(w, husband)
    third = Fraction(1, 3)
    assert heirs == {a: ("descendant", third), b: ("descendant", third), wife: ("spouse", third)}
    assert result.order == "descendants" and result.complete


def test_a_predeceased_child_is_replaced_by_its_own_children():
    w = PopulationWriter()
    husband, wife = household(w)
    w.die(wife, D(2015, 1, 1))
    alive = child(w, wife, husband, D(1981, 1, 1))
    gone = child(w, wife, husband, D(1983, 1, 1), "Стоян")
    grandchildren = [w.person(n, "Петров", "M", D(2008 + i, 1, 1), father=gone)
                     for i, n in enumerate(("Иво", "Крум"))]  # fmt: skip
    w.die(gone, D(2020, 1, 1))
    w.die(husband, DEATH)
    heirs, result = heirs_of(w, husband)
    assert heirs == {
        alive: ("descendant", Fraction(1, 2)),
        grandchildren[0]: ("descendant", Fraction(1, 4)),
        grandchildren[1]: ("descendant", Fraction(1, 4)),
    }
    represented = next(e for e in result.entries if e.person.egn == gone)
    assert not represented.included and represented.article == "ЗН чл. 10, ал. 1"
    assert {e.in_place_of for e in result.heirs if e.person.egn in grandchildren} == {
        represented.person.id
    }
    assert next(e for e in result.entries if e.person.egn == grandchildren[0]).relation_bg == "внук"


def test_a_predeceased_child_without_descendants_leaves_no_stock():
    w = PopulationWriter()
    husband, wife = household(w)
    gone = child(w, wife, husband, D(1983, 1, 1))
    alive = child(w, wife, husband, D(1985, 1, 1), "Анна", "F")
    w.die(gone, D(2001, 1, 1))
    w.die(husband, DEATH)
    heirs, _ = heirs_of(w, husband)
    assert heirs == {alive: ("descendant", Fraction(1, 2)), wife: ("spouse", Fraction(1, 2))}


@pytest.mark.parametrize(
    ("married_on", "spouse_share"),
    [(D(2005, 6, 1), Fraction(2, 3)), (D(2019, 6, 1), Fraction(1, 2))],
    ids=["married-over-ten-years", "married-under-ten-years"],
)
def test_no_descendants_the_parents_inherit_beside_the_spouse(married_on, spouse_share):
    w = PopulationWriter()
    father, mother = household(w)
    son = child(w, mother, father, D(1982, 1, 1))
    wife = w.person("Елена", "Петрова", "F", D(1984, 1, 1))
    w.marry(son, wife, married_on)
    w.die(son, DEATH)
    heirs, result = heirs_of(w, son)
    rest = (1 - spouse_share) / 2
    assert heirs == {
        wife: ("spouse", spouse_share),
        mother: ("parent", rest),
        father: ("parent", rest),
    }
    assert result.order == "parents"


def test_no_spouse_the_children_take_everything():
    w = PopulationWriter()
    husband, wife = household(w)
    children = [child(w, wife, husband, D(1981 + i, 1, 1)) for i in range(3)]
    w.die(wife, D(2010, 1, 1))
    w.die(husband, DEATH)
    heirs, _ = heirs_of(w, husband)
    assert heirs == {c: ("descendant", Fraction(1, 3)) for c in children}


def test_a_divorced_spouse_is_not_an_heir_and_the_second_wife_is():
    w = PopulationWriter()
    husband, first = household(w)
    (marriage, mirror) = w.people[husband].marriages[0], w.people[first].marriages[0]
    w.divorce([marriage, mirror], D(1999, 1, 1))
    second = w.person("Росица", "Петрова", "F", D(1970, 1, 1))
    w.marry(husband, second, D(2001, 1, 1))
    son = child(w, first, husband, D(1985, 1, 1))
    w.die(husband, DEATH)
    heirs, result = heirs_of(w, husband)
    assert heirs == {son: ("descendant", Fraction(1, 2)), second: ("spouse", Fraction(1, 2))}
    former = next(e for e in result.entries if e.person.egn == first)
    assert former.relation == "former-spouse" and not former.included
    assert "разведен" in former.reason_bg


def test_siblings_and_a_predeceased_siblings_children_inherit_when_there_are_no_parents():
    w = PopulationWriter()
    father, mother = household(w)
    deceased = child(w, mother, father, D(1981, 1, 1))
    brother = child(w, mother, father, D(1983, 1, 1), "Стоян")
    sister = child(w, mother, father, D(1985, 1, 1), "Анна", "F")
    niece = w.person("Ива", "Колева", "F", D(2010, 1, 1), mother=sister)
    for person, day in ((father, D(2010, 1, 1)), (mother, D(2012, 1, 1)), (sister, D(2020, 1, 1))):
        w.die(person, day)
    w.die(deceased, DEATH)
    heirs, result = heirs_of(w, deceased)
    assert heirs == {
        brother: ("sibling", Fraction(1, 2)),
        niece: ("sibling-descendant", Fraction(1, 2)),
    }
    assert result.order == "ascendants-siblings"


def test_a_half_sibling_takes_half_of_what_a_full_sibling_takes():
    w = PopulationWriter()
    father, mother = household(w)
    deceased = child(w, mother, father, D(1981, 1, 1))
    full = child(w, mother, father, D(1983, 1, 1), "Стоян")
    other_mother = w.person("Гергана", "Денева", "F", D(1960, 1, 1))
    half = w.person("Кольо", "Петров", "M", D(1990, 1, 1), mother=other_mother, father=father)
    w.die(father, D(2010, 1, 1))
    w.die(mother, D(2012, 1, 1))
    w.die(deceased, DEATH)
    heirs, _ = heirs_of(w, deceased)
    assert heirs == {full: ("sibling", Fraction(2, 3)), half: ("half-sibling", Fraction(1, 3))}


def test_grandparents_take_a_third_beside_the_siblings():
    w = PopulationWriter()
    grandfather = w.person("Тодор", "Петров", "M", D(1930, 1, 1))
    grandmother = w.person("Радка", "Петрова", "F", D(1932, 1, 1))
    father = w.person("Иван", "Петров", "M", D(1955, 1, 2), mother=grandmother, father=grandfather)
    mother = w.person("Мария", "Петрова", "F", D(1957, 3, 4))
    w.marry(father, mother, D(1980, 1, 1))
    deceased = child(w, mother, father, D(1981, 1, 1))
    brother = child(w, mother, father, D(1983, 1, 1), "Стоян")
    w.die(grandfather, D(2000, 1, 1))
    w.die(father, D(2010, 1, 1))
    w.die(mother, D(2012, 1, 1))
    w.die(deceased, DEATH)
    heirs, result = heirs_of(w, deceased)
    assert heirs == {
        brother: ("sibling", Fraction(2, 3)),
        grandmother: ("ascendant", Fraction(1, 3)),
    }
    assert not result.complete  # the mother's parents are not in the register


def test_only_the_spouse_left_takes_everything():
    w = PopulationWriter()
    husband, wife = household(w)
    w.die(husband, DEATH)
    heirs, result = heirs_of(w, husband)
    assert heirs == {wife: ("spouse", Fraction(1))}
    assert not result.complete  # no parents in the register: siblings cannot be ruled out


def test_an_heir_who_died_the_same_day_does_not_inherit_and_the_clerk_is_told():
    w = PopulationWriter()
    husband, wife = household(w)
    son = child(w, wife, husband, D(1981, 1, 1))
    w.die(husband, DEATH)
    w.die(wife, DEATH)
    heirs, result = heirs_of(w, husband)
    assert heirs == {son: ("descendant", Fraction(1))}
    assert any("същия ден" in bg for bg, _ in result.notes)


def test_heirs_of_a_living_person_are_refused():
    w = PopulationWriter()
    husband, _ = household(w)
    with Register(w) as conn, pytest.raises(registers.NotDeceasedError):
        registers.legal_heirs(conn, registers.find_person(conn, husband))


# -- a property over generated family trees ---------------------------------------------------
def years_after(day: dt.date, years: int) -> dt.date:
    # Someone born on 29 February comes of age on 28 February in a common year.
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def random_family(seed: int) -> tuple[PopulationWriter, list[str]]:
    rng = random.Random(seed)
    w = PopulationWriter()
    alive_until: dict[str, dt.date] = {}

    def new(sex, born, **parents):
        egn = w.person("Мария" if sex == "F" else "Иван", "Петрови", sex, born, **parents)
        if rng.random() < 0.55:
            w.die(egn, born + dt.timedelta(days=rng.randrange(1, (D(2025, 6, 1) - born).days)))
        alive_until[egn] = w.people[egn].death_date or D(2100, 1, 1)
        return egn

    generation = [new(rng.choice("MF"), D(1920 + rng.randrange(12), 1 + rng.randrange(12), 1))
                  for _ in range(rng.randrange(2, 5))]  # fmt: skip
    everyone = list(generation)
    for _ in range(3):
        next_generation = []
        for person in generation:
            spec = w.people[person]
            start = years_after(spec.birth_date, 20)
            partners = []
            for _ in range(rng.randrange(0, 3)):
                sex = "F" if spec.sex == "M" else "M"
                partner = new(sex, spec.birth_date + dt.timedelta(days=rng.randrange(-900, 900)))
                everyone.append(partner)
                on = max(start, years_after(w.people[partner].birth_date, 18))
                if partners:
                    on = max(on, partners[-1][1] + dt.timedelta(days=30))
                if on >= min(alive_until[person], alive_until[partner], D(2025, 1, 1)):
                    continue
                if partners and partners[-1][2] is None:
                    previous = partners[-1]
                    ended_by = min(alive_until[previous[0]], alive_until[person])
                    if ended_by >= on:
                        divorce_on = on - dt.timedelta(days=10)
                        if divorce_on <= previous[1]:
                            continue
                        w.divorce(previous[3], divorce_on)
                pair = w.marry(person, partner, on)
                partners.append([partner, on, None, pair])
                for _ in range(rng.randrange(0, 3)):
                    born = on + dt.timedelta(days=rng.randrange(300, 6000))
                    if born >= min(D(2025, 6, 1), alive_until[person], alive_until[partner]):
                        continue
                    mother, father = (person, partner) if spec.sex == "F" else (partner, person)
                    kid = new(rng.choice("MF"), born, mother=mother, father=father)
                    next_generation.append(kid)
                    everyone.append(kid)
        generation = next_generation
    return w, everyone


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9))
def test_every_heir_was_alive_at_the_death_nobody_is_listed_twice_and_the_spouse_was_married(seed):
    writer, everyone = random_family(seed)
    deceased_people = [egn for egn in everyone if writer.people[egn].death_date]
    if not deceased_people:
        return
    with Register(writer) as conn:
        for egn in deceased_people[:6]:
            deceased = registers.find_person(conn, egn)
            result = registers.legal_heirs(conn, deceased)
            death = deceased.death_date
            listed = [entry.person.id for entry in result.entries]
            assert len(listed) == len(set(listed)), "a person is listed twice"
            assert deceased.id not in listed
            for heir in result.heirs:
                assert heir.alive_at_death
                assert heir.person.death_date is None or heir.person.death_date > death
                conceived_by = (dt.date.fromisoformat(death) + dt.timedelta(days=300)).isoformat()
                assert heir.person.birth_date <= conceived_by
            spouses = [e for e in result.heirs if e.relation == "spouse"]
            married_to = registers.spouse_on(conn, deceased.id, death)
            assert [e.person.id for e in spouses] == (
                [married_to.id] if married_to and married_to.alive_on(death) or (
                    married_to and married_to.death_date and married_to.death_date > death
                ) else []
            )  # fmt: skip
            shares = [e.share for e in result.heirs]
            if result.heirs and None not in shares:
                assert sum(shares) == 1
