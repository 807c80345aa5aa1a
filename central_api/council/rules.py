"""The majorities of the municipal council, as pure functions (ЗМСМА чл. 27).

* **Quorum** (чл. 27, ал. 2): the council sits when more than half of *all* its councillors are
  present.
* ``simple`` (чл. 27, ал. 3): more than half of the councillors present vote for.
* ``absolute`` (чл. 27, ал. 4): more than half of *all* councillors vote for.
* ``two_thirds`` (e.g. чл. 6, ал. 3 ЗОС): at least two thirds of *all* councillors vote for.

A councillor who declared a conflict of interest on an item does not vote on it. We count them
present for the quorum (they are in the hall, and the law's quorum is about presence), but not
among "those present" whose half a ``simple`` majority must pass: counting someone who may not
vote would weigh as a vote against. docs/council.md gives the reasoning.

Abstentions and councillors present who did not vote count as not "for": the law asks for a
majority *for*, not of the votes cast.

The list the secretary chooses from (rule, kind of vote, legal basis) is data:
``majorities.toml`` beside this module, read by :func:`bases`.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import CouncilInputError

RULES = ("simple", "absolute", "two_thirds")
KINDS = ("open", "named", "secret")
CHOICES = ("for", "against", "abstain")
BASES_FILE = Path(__file__).with_name("majorities.toml")

__all__ = [
    "CHOICES",
    "KINDS",
    "RULES",
    "Basis",
    "Outcome",
    "Tally",
    "bases",
    "basis",
    "decide",
    "has_quorum",
    "votes_needed",
]


@dataclass(frozen=True)
class Basis:
    """One entry of the list: the majority and kind of vote an item needs, and why."""

    key: str
    rule: str
    kind: str
    basis: str
    title_bg: str
    title_en: str


@dataclass(frozen=True)
class Tally:
    for_votes: int = 0
    against: int = 0
    abstained: int = 0

    @property
    def cast(self) -> int:
        return self.for_votes + self.against + self.abstained


@dataclass(frozen=True)
class Outcome:
    passed: bool
    quorum: bool
    needed: int  # votes "for" the rule asks for
    base: int  # the number whose part is taken: all councillors, or those present
    rule: str
    reason_bg: str
    reason_en: str


def has_quorum(present: int, total: int) -> bool:
    """More than half of all councillors present (чл. 27, ал. 2 ЗМСМА)."""
    if total <= 0:
        raise CouncilInputError(
            "Съветът няма съветници: въведете ги. / The council has no councillors: add them."
        )
    return 2 * present > total


def votes_needed(rule: str, *, total: int, present: int, conflicted: int = 0) -> tuple[int, int]:
    """``(votes for needed, base)`` for ``rule``; ``conflicted`` of the ``present`` may not vote."""
    if rule == "simple":
        base = present - conflicted
        return base // 2 + 1, base
    if rule == "absolute":
        return total // 2 + 1, total
    if rule == "two_thirds":
        return -(-2 * total // 3), total  # the smallest whole number >= 2/3 of all
    raise CouncilInputError(
        f"Непознато мнозинство {rule!r}. / Unknown majority {rule!r}: one of {', '.join(RULES)}."
    )


def decide(rule: str, tally: Tally, *, total: int, present: int, conflicted: int = 0) -> Outcome:
    """Whether an item passed under ``rule`` with ``tally``, ``present`` of ``total`` in the hall."""
    if not 0 <= conflicted <= present <= total:
        raise CouncilInputError(
            "Броят присъстващи не е възможен. / Impossible counts: "
            f"{conflicted} in conflict, {present} present, {total} councillors."
        )
    if tally.cast > present - conflicted:
        raise CouncilInputError(
            "Гласовете са повече от имащите право да гласуват. / More votes than voters."
        )
    needed, base = votes_needed(rule, total=total, present=present, conflicted=conflicted)
    if not has_quorum(present, total):
        return Outcome(
            False,
            False,
            needed,
            base,
            rule,
            f"Няма кворум: присъстват {present} от {total}.",
            f"No quorum: {present} of {total} present.",
        )
    passed = tally.for_votes >= needed
    verdict_bg = "Прието" if passed else "Не е прието"
    verdict_en = "Adopted" if passed else "Not adopted"
    return Outcome(
        passed,
        True,
        needed,
        base,
        rule,
        f"{verdict_bg}: {tally.for_votes} „за“ при нужни {needed} от {base}.",
        f"{verdict_en}: {tally.for_votes} for, {needed} of {base} needed.",
    )


@functools.cache
def bases() -> dict[str, Basis]:
    """The list the secretary chooses from, by key, in the file's order."""
    with BASES_FILE.open("rb") as handle:
        entries = tomllib.load(handle)["basis"]
    result = {}
    for entry in entries:
        item = Basis(**entry)
        if item.rule not in RULES or item.kind not in KINDS:
            raise CouncilInputError(
                f"{BASES_FILE.name}: entry {item.key!r} has an unknown rule or kind."
            )
        result[item.key] = item
    return result


def basis(key: str) -> Basis:
    try:
        return bases()[key]
    except KeyError as exc:
        raise CouncilInputError(
            f"Няма такова основание {key!r}: изберете от списъка. / "
            f"No legal basis {key!r}: choose one of {', '.join(bases())}."
        ) from exc
