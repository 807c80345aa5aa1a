"""Legal heirs of a deceased person from the population register, by the Inheritance Act.

:func:`legal_heirs` walks the register's parent–child links and marriages from the deceased and
applies the Inheritance Act (Закон за наследството, ЗН):

* **First order, ЗН чл. 5:** the children inherit in equal parts. A child who died before the
  deceased (or on the same day) is replaced by its own descendants, per stock, recursively
  (representation, ЗН чл. 10, ал. 1).
* **The surviving spouse, ЗН чл. 9:** the one in a marriage in force at the death (not
  divorced, alive then). Beside the children a share equal to a child's (ал. 1); beside parents,
  or beside ascendants or siblings, 1/2 if the marriage lasted under ten years at the death,
  otherwise 2/3; beside both ascendants and siblings 1/3 or 1/2 (ал. 2); alone, everything
  (ал. 3).
* **Second order, ЗН чл. 6:** with no descendants, the parents in equal parts (one living
  parent takes it all).
* **Third order, ЗН чл. 7 и 8:** with neither descendants nor parents, the nearest ascendants
  of the second or higher degree (grandparents; чл. 7) and the brothers and sisters, a
  predeceased one replaced by its descendants (чл. 10, ал. 1). Together the ascendants take 1/3
  and the siblings 2/3 (чл. 8). A half-brother or half-sister (one parent in common) takes half
  of what a full one takes (чл. 8). Half-siblings are modelled: they are persons who share
  exactly one registered parent with the deceased.
* **Not computed:** collaterals to the sixth degree (the fourth order, чл. 8), adoptions under
  СК чл. 102 (чл. 5, ал. 3), unworthiness and renunciation: the register holds none of them.
  When the register cannot settle the heirs (a parent it does not know, no heir in the first
  three orders, the marriage's date unknown for a share) the result says so in ``notes`` and
  ``complete`` is False: the clerk must establish the rest before a certificate is issued.

Who counts as "alive at the death": born by then (or born within 300 days after, i.e.
conceived; ЗН чл. 2, ал. 1) and not dead by then. The register holds dates, not hours: whoever
died on the same day as the deceased is treated as not surviving them, and a note says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy.engine import Connection

from sync.wording import by_sex

from .errors import NotDeceasedError
from .population import Person, children_of, get_person, marriage_on, marriages_of

__all__ = ["HeirEntry", "HeirsResult", "legal_heirs"]

CONCEPTION_DAYS = 300


@dataclass(frozen=True)
class HeirEntry:
    """One person the computation looked at: an heir, or why not."""

    person: Person
    relation: str  # child, grandchild, descendant, spouse, former-spouse, mother, father,
    #                grandparent, ascendant, sibling, half-sibling, sibling-descendant
    relation_bg: str
    relation_en: str
    alive_at_death: bool
    included: bool
    reason_bg: str
    reason_en: str
    article: str
    share: Fraction | None = None
    in_place_of: int | None = None  # the predeceased person (id) this one represents
    depth: int = 0  # for drawing the tree: 0 = directly related to the deceased

    @property
    def share_text(self) -> str:
        return "" if self.share is None else f"{self.share.numerator}/{self.share.denominator}"


@dataclass(frozen=True)
class HeirsResult:
    deceased: Person
    death_date: str
    order: str  # descendants | parents | ascendants-siblings | spouse-only | none
    entries: tuple[HeirEntry, ...]
    notes: tuple[tuple[str, str], ...] = ()  # (bg, en) what the register could not settle
    complete: bool = True

    @property
    def heirs(self) -> tuple[HeirEntry, ...]:
        return tuple(entry for entry in self.entries if entry.included)


@dataclass
class _Node:
    person: Person
    relation: str
    alive: bool
    depth: int
    in_place_of: int | None
    weight: int = 1  # a half-sibling's stock weighs half a full one's (чл. 8)
    kids: list[_Node] = field(default_factory=list)
    share: Fraction | None = None

    @property
    def live(self) -> bool:
        return self.alive or any(kid.live for kid in self.kids)


_DESCENDANT = {1: ("син", "дъщеря", "son", "daughter"), 2: ("внук", "внучка", "grandson",
               "granddaughter"), 3: ("правнук", "правнучка", "great-grandson",
               "great-granddaughter")}  # fmt: skip


def _words(relation: str, person: Person, depth: int) -> tuple[str, str]:
    male = person.sex == "M"
    if relation == "descendant":
        bg_m, bg_f, en_m, en_f = _DESCENDANT.get(
            depth, ("низходящ", "низходяща", "descendant", "descendant")
        )
        return (bg_m, en_m) if male else (bg_f, en_f)
    table = {
        "spouse": ("съпруг", "съпруга", "husband", "wife"),
        "former-spouse": ("бивш съпруг", "бивша съпруга", "former husband", "former wife"),
        "parent": ("баща", "майка", "father", "mother"),
        "ascendant": ("дядо", "баба", "grandfather", "grandmother"),
        "sibling": ("брат", "сестра", "brother", "sister"),
        "half-sibling": ("полубрат", "полусестра", "half-brother", "half-sister"),
        "sibling-descendant": ("племенник", "племенница", "nephew", "niece"),
    }
    bg_m, bg_f, en_m, en_f = table[relation]
    if relation == "sibling-descendant" and depth > 1:
        return ("низходящ на брат/сестра", "descendant of a sibling")
    if relation == "ascendant" and depth > 2:
        return ("възходящ", "ascendant") if male else ("възходяща", "ascendant")
    return (bg_m, en_m) if male else (bg_f, en_f)


class _Computation:
    def __init__(self, conn: Connection, deceased: Person):
        self.conn = conn
        self.deceased = deceased
        self.death = deceased.death_date
        death = dt.date.fromisoformat(self.death)
        self.conceived_by = (death + dt.timedelta(days=CONCEPTION_DAYS)).isoformat()
        self.notes: list[tuple[str, str]] = []
        self.complete = True
        self.seen: set[int] = {deceased.id}
        self.same_day_noted = False

    def note(self, bg: str, en: str, *, incomplete: bool = False) -> None:
        if (bg, en) not in self.notes:
            self.notes.append((bg, en))
        if incomplete:
            self.complete = False

    def alive(self, person: Person) -> bool:
        if person.death_date is not None and person.death_date == self.death:
            if not self.same_day_noted:
                self.same_day_noted = True
                self.note(
                    "Лице, починало в същия ден, се смята за непреживяло наследодателя "
                    "(регистърът пази дати, не часове): проверете часа в акта за смърт.",
                    "A person who died on the same day is treated as not surviving the deceased "
                    "(the register holds dates, not hours): check the time in the death act.",
                )
            return False
        born = person.birth_date <= self.conceived_by
        return born and (person.death_date is None or person.death_date > self.death)

    def existed_at_death(self, person: Person) -> bool:
        return person.birth_date <= self.conceived_by

    # -- the tree of stocks --------------------------------------------------------------
    def descendants(self, of: Person, relation: str, depth: int) -> list[_Node]:
        nodes = []
        for child in children_of(self.conn, of.id):
            if child.id in self.seen or not self.existed_at_death(child):
                continue
            self.seen.add(child.id)
            node = _Node(child, relation, self.alive(child), depth, of.id if depth > 1 else None)
            if not node.alive:
                node.kids = self.descendants(child, relation, depth + 1)
            nodes.append(node)
        return nodes

    def parents(self, of: Person) -> list[Person | None]:
        return [get_person(self.conn, pid) if pid else None for pid in (of.mother_id, of.father_id)]

    def siblings(self) -> list[_Node]:
        me = self.deceased
        candidates: dict[int, Person] = {}
        for parent_id in (me.mother_id, me.father_id):
            if parent_id:
                for child in children_of(self.conn, parent_id):
                    if child.id != me.id:
                        candidates[child.id] = child
        nodes = []
        for person in sorted(candidates.values(), key=lambda p: (p.birth_date, p.id)):
            if person.id in self.seen or not self.existed_at_death(person):
                continue
            self.seen.add(person.id)
            full = (
                me.mother_id is not None
                and me.father_id is not None
                and person.mother_id == me.mother_id
                and person.father_id == me.father_id
            )
            node = _Node(
                person, "sibling" if full else "half-sibling", self.alive(person), 0, None,
                weight=2 if full else 1,
            )  # fmt: skip
            if not node.alive:
                node.kids = self.descendants(person, "sibling-descendant", 1)
                for kid in node.kids:
                    kid.in_place_of = person.id
            nodes.append(node)
        return nodes

    def nearest_ascendants(self) -> tuple[int, list[Person], list[Person]]:
        """(degree, the living ascendants of the nearest degree with any, all of that degree)."""
        level = [p for p in self.parents(self.deceased) if p]
        degree = 1
        while level:
            degree += 1
            upper: list[Person] = []
            for person in level:
                upper.extend(p for p in self.parents(person) if p)
            living = [p for p in upper if self.alive(p)]
            if living:
                return degree, living, upper
            level = upper
        return degree, [], []


def _assign(nodes: list[_Node], share: Fraction | None) -> None:
    """Divide ``share`` among the live stocks by weight, and each stock among its own."""
    live = [node for node in nodes if node.live]
    total = sum(node.weight for node in live)
    for node in live:
        node_share = None if share is None else share * node.weight / total
        if node.alive:
            node.share = node_share
        else:
            _assign(node.kids, node_share)


def _flatten(nodes: list[_Node], order_article: str, out: list[HeirEntry]) -> None:
    for node in nodes:
        bg, en = _words(node.relation, node.person, node.depth)
        if node.alive:
            reason = (
                _alive_at_death(node.person)
                if node.in_place_of is None
                else ("наследява по заместване", "inherits in the place of a predeceased parent")
            )
            article = order_article if node.in_place_of is None else "ЗН чл. 10, ал. 1"
            if node.person.death_date:
                reason = (
                    reason[0]
                    + f"; {by_sex(node.person.sex, 'починал', 'починала')} след наследодателя, "
                    + f"делът минава към наследниците {by_sex(node.person.sex, 'му', 'ѝ')}",
                    reason[1] + "; died after the deceased, the share passes to their own heirs",
                )
        elif node.live:
            bg_before, en_before = _died_before(node.person)
            reason = (
                f"{bg_before}: наследяват низходящите {by_sex(node.person.sex, 'му', 'ѝ')} "
                "по заместване",
                f"{en_before}: their descendants inherit in their place",
            )
            article = "ЗН чл. 10, ал. 1"
        else:
            bg_before, en_before = _died_before(node.person)
            reason = (
                f"{bg_before}, без живи низходящи",
                f"{en_before}, with no living descendants",
            )
            article = order_article
        out.append(
            HeirEntry(
                person=node.person,
                relation=node.relation,
                relation_bg=bg,
                relation_en=en,
                alive_at_death=node.alive,
                included=node.alive,
                reason_bg=reason[0],
                reason_en=reason[1],
                article=article,
                share=node.share,
                in_place_of=node.in_place_of,
                depth=node.depth,
            )
        )
        _flatten(node.kids, order_article, out)


def legal_heirs(conn: Connection, deceased: Person | int) -> HeirsResult:
    """The legal heirs of ``deceased`` (a :class:`Person` or its id) at the date of death.

    Entries come in the order a certificate lists them: the heirs of the order that inherits,
    each stock followed by its representatives, then the spouse, then former spouses (not
    heirs). Every entry says whether the person was alive at the death, whether they are
    included, why, under which article, and the share of the estate.
    """
    if isinstance(deceased, int):
        deceased = get_person(conn, deceased)
    if deceased.death_date is None:
        raise NotDeceasedError(
            f"{deceased.full_name} не е {by_sex(deceased.sex, 'вписан', 'вписана')} като "
            f"{by_sex(deceased.sex, 'починал', 'починала')} в регистъра на населението: "
            "наследници не могат да се определят. / "
            f"{deceased.full_name} is not recorded as deceased in the population register: "
            "there are no heirs to establish."
        )
    work = _Computation(conn, deceased)
    entries: list[HeirEntry] = []
    marriage = marriage_on(conn, deceased.id, work.death)
    spouse = get_person(conn, marriage.spouse_id) if marriage else None
    spouse_alive = spouse is not None and work.alive(spouse)
    if spouse is not None:
        work.seen.add(spouse.id)

    children = work.descendants(deceased, "descendant", 1)
    order, spouse_share, order_nodes, extra = "none", None, [], []
    if any(node.live for node in children):
        order = "descendants"
        stocks = sum(1 for node in children if node.live)
        part = Fraction(1, stocks + (1 if spouse_alive else 0))
        _assign(children, part * stocks)
        spouse_share = part
        _flatten(children, "ЗН чл. 5, ал. 1", order_nodes)
    else:
        _flatten(children, "ЗН чл. 5, ал. 1", order_nodes)  # predeceased, no descendants
        mother, father = work.parents(deceased)
        parents = [p for p in (mother, father) if p]
        living_parents = [p for p in parents if work.alive(p)]
        for parent in parents:
            work.seen.add(parent.id)
        if living_parents:
            order = "parents"
            spouse_share = _spouse_share_beside(work, marriage, spouse_alive, groups=1)
            rest = None if spouse_share is None else 1 - spouse_share
            for parent in parents:
                alive = parent in living_parents
                entries_share = None if rest is None or not alive else rest / len(living_parents)
                extra.append(_parent_entry(parent, alive, entries_share))
            if len(parents) < 2:
                work.note(
                    "Регистърът не познава единия родител: проверете дали е жив/а.",
                    "The register does not know one of the parents: check whether they are alive.",
                    incomplete=True,
                )
        else:
            for parent in parents:
                extra.append(_parent_entry(parent, False, None))
            if len(parents) < 2:
                work.note(
                    "Регистърът не познава родител на починалия: братята и сестрите и "
                    "възходящите от тази страна не могат да се установят.",
                    "The register does not know a parent of the deceased: the brothers, sisters "
                    "and ascendants on that side cannot be established.",
                    incomplete=True,
                )
            siblings = work.siblings()
            degree, ascendants, all_ascendants = work.nearest_ascendants()
            if any(p is None for parent in parents for p in work.parents(parent)):
                work.note(
                    "Регистърът не познава всички баби и дядовци (ЗН чл. 7): проверете дали "
                    "някой от тях е жив.",
                    "The register does not know every grandparent (ЗН чл. 7): check whether "
                    "any of them is alive.",
                    incomplete=True,
                )
            has_siblings = any(node.live for node in siblings)
            if has_siblings or ascendants:
                order = "ascendants-siblings"
                groups = int(has_siblings) + int(bool(ascendants))
                spouse_share = _spouse_share_beside(work, marriage, spouse_alive, groups=groups)
                rest = None if spouse_share is None else 1 - spouse_share
                to_siblings = to_ascendants = rest
                if rest is not None and groups == 2:
                    to_siblings, to_ascendants = rest * Fraction(2, 3), rest * Fraction(1, 3)
                _assign(siblings, to_siblings if has_siblings else None)
                _flatten(siblings, "ЗН чл. 8", order_nodes)
                for person in all_ascendants:
                    work.seen.add(person.id)
                    alive = person in ascendants
                    share = None
                    if alive and to_ascendants is not None:
                        share = to_ascendants / len(ascendants)
                    extra.append(_ascendant_entry(person, alive, share, degree))
            else:
                _flatten(siblings, "ЗН чл. 8", order_nodes)
                if spouse_alive:
                    order, spouse_share = "spouse-only", Fraction(1)
                else:
                    work.note(
                        "В първите три реда няма наследници по регистъра; роднините по "
                        "съребрена линия до шеста степен (ЗН чл. 8) не се изчисляват.",
                        "The register shows no heirs in the first three orders; collaterals to "
                        "the sixth degree (ЗН чл. 8) are not computed.",
                        incomplete=True,
                    )
    entries.extend(order_nodes)
    entries.extend(extra)
    if spouse is not None:
        entries.append(_spouse_entry(spouse, spouse_alive, spouse_share if spouse_alive else None))
    entries.extend(_former_spouses(conn, work, marriage))
    if spouse_alive and spouse_share is None and order != "none":
        work.note(
            "Датата на брака не е в регистъра: делът на съпруга (ЗН чл. 9, ал. 2) не може да се "
            "изчисли.",
            "The marriage date is not in the register: the spouse's share (ЗН чл. 9(2)) cannot "
            "be computed.",
        )
    return HeirsResult(
        deceased=deceased,
        death_date=work.death,
        order=order,
        entries=tuple(entries),
        notes=tuple(work.notes),
        complete=work.complete,
    )


def _spouse_share_beside(work, marriage, spouse_alive: bool, groups: int) -> Fraction | None:
    """ЗН чл. 9, ал. 2: beside one group (ascendants, or siblings) 1/2 or 2/3; beside both 1/3
    or 1/2 — the smaller if the estate opened before the marriage's tenth anniversary."""
    if not spouse_alive:
        return Fraction(0)
    if marriage.married_on is None:
        return None
    married = dt.date.fromisoformat(marriage.married_on)
    try:
        tenth = married.replace(year=married.year + 10)
    except ValueError:  # married on 29 February
        tenth = married.replace(year=married.year + 10, day=28)
    short = work.death < tenth.isoformat()
    if groups == 2:
        return Fraction(1, 3) if short else Fraction(1, 2)
    return Fraction(1, 2) if short else Fraction(2, 3)


def _entry(
    person: Person,
    relation: str,
    degree: int,
    alive: bool,
    share,
    article: str,
    if_alive: tuple[str, str],
    if_not: tuple[str, str],
    depth: int = 0,
) -> HeirEntry:
    """An heir when ``alive`` at the death, else not; ``if_alive``/``if_not`` say why
    (Bulgarian, English)."""
    bg, en = _words(relation, person, degree)
    reason_bg, reason_en = if_alive if alive else if_not
    return HeirEntry(
        person=person,
        relation=relation,
        relation_bg=bg,
        relation_en=en,
        alive_at_death=alive,
        included=alive,
        reason_bg=reason_bg,
        reason_en=reason_en,
        article=article,
        share=share,
        depth=depth,
    )


def _alive_at_death(person: Person) -> tuple[str, str]:
    return f"{by_sex(person.sex, 'жив', 'жива')} към смъртта", "alive at the death"


def _died_before(person: Person) -> tuple[str, str]:
    died = by_sex(person.sex, "починал", "починала")
    return f"{died} преди наследодателя", "died before the deceased"


def _parent_entry(parent: Person, alive: bool, share) -> HeirEntry:
    return _entry(
        parent, "parent", 1, alive, share, "ЗН чл. 6", _alive_at_death(parent), _died_before(parent)
    )


def _ascendant_entry(person: Person, alive: bool, share, degree: int) -> HeirEntry:
    nearest = ("най-близък жив възходящ", "nearest living ascendant")
    return _entry(
        person, "ascendant", degree, alive, share, "ЗН чл. 7", nearest, _died_before(person),
        depth=degree - 1,
    )  # fmt: skip


def _spouse_entry(spouse: Person, alive: bool, share) -> HeirEntry:
    married = ("в брак с починалия към смъртта", "married to the deceased at the death")
    survived = by_sex(spouse.sex, "преживял", "преживяла")
    did_not = (f"не е {survived} наследодателя", "did not survive them")
    return _entry(spouse, "spouse", 0, alive, share, "ЗН чл. 9", married, did_not)


def _former_spouses(conn, work: _Computation, marriage) -> list[HeirEntry]:
    entries = []
    for former in marriages_of(conn, work.deceased.id):
        if marriage is not None and former.id == marriage.id:
            continue
        if former.married_on is not None and former.married_on > work.death:
            continue
        person = get_person(conn, former.spouse_id)
        if person.id in work.seen:
            continue
        work.seen.add(person.id)
        bg, en = _words("former-spouse", person, 0)
        how = (
            ("разведен/а", "divorced")
            if former.end_reason == "divorce"
            else ("бракът е прекратен", "the marriage had ended")
        )
        entries.append(
            HeirEntry(
                person=person,
                relation="former-spouse",
                relation_bg=bg,
                relation_en=en,
                alive_at_death=work.alive(person),
                included=False,
                reason_bg=f"{how[0]} на {former.ended_on}: не е наследник",
                reason_en=f"{how[1]} on {former.ended_on}: not an heir",
                article="ЗН чл. 9",
            )
        )
    return entries
