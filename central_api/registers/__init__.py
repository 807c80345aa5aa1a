"""The municipality's registers behind every certificate: population (ЗГР) and local taxes (ЗМДТ).

Everything takes an open SQLAlchemy connection (``with read(engine) as conn``) and returns
frozen values; only the imports and the registrar's corrections write. docs/registers.md has
the file formats and the legal rules.

Population register (:mod:`.population`)
    ``find_person(conn, identifier, kind=None) -> Person | None``   by ЕГН or ЛНЧ (``kind``
        "egn"/"lnch": that one only)
    ``find_by_names(conn, first_name, last_name, birth_date, middle_name=None) -> [Person]``
    ``search_persons(conn, text, limit=50) -> [Person]``   the office's search box
    ``get_person(conn, person_id) -> Person``              (:class:`PersonNotFoundError`)
    ``person_record(conn, person_id, on=None) -> PersonRecord``   addresses in force on the
        date, civil status then, spouse, parents, children, address history, corrections
    ``addresses_on(conn, person_id, on=None) -> {"permanent"|"current": Address}``
    ``spouse_on(conn, person_id, date) -> Person | None``; ``marriages_of(conn, person_id)``
    ``children_of(conn, person_id) -> [Person]``

Heirs (:mod:`.heirs`, ЗН чл. 5–10)
    ``legal_heirs(conn, deceased) -> HeirsResult``: ``entries`` (:class:`HeirEntry`: person,
    relation with its Bulgarian and English words, alive at the death, included, why, the
    article, share, ``in_place_of`` for representation, ``depth`` for the tree), ``heirs``
    (the included ones), ``notes`` and ``complete`` (False: the register cannot settle it —
    block the certificate and say why). :class:`NotDeceasedError` if not registered as dead.

Local taxes (:mod:`.taxes`)
    ``debts_on(conn, person_id, on=None) -> DebtStatement``: ``debts`` per kind, object and
    year (:class:`Debt`), ``total_cents``, ``has_debts``, ``interest_note`` (the (bg, en)
    sentence that statutory interest is not included, for the certificate).
    ``objects_of(conn, person_id) -> [TaxObject]``: the properties and vehicles assessed to
    the person, with the tax valuation per year.

Imports (:mod:`.population_import`, :mod:`.taxes_import`)
    ``import_population(conn, data, settlements, actor=..., dry_run=False) -> ImportReport``
    ``import_taxes(conn, data, settlements, actor=..., dry_run=False) -> ImportReport``
    A bad file raises :class:`ImportRefusedError` (``problems``: one :class:`RowProblem` per
    bad cell) and stores nothing. ``known_settlements(municipality)`` gives the profile's settlement codes.

Office (:mod:`.office_actions`)
    ``correct_person(conn, person_id, changes, reason, user_name)``, ``record_lookup(...)``,
    ``lookups(conn, ...)``: who looked at whom.

Demo (:mod:`.demo`)
    ``generate_register(seed, ...)`` writes the demo's population and tax files;
    ``demo_persons(conn)`` picks the villagers the demo's requests are about.
"""

from __future__ import annotations

from .csvfiles import ImportReport
from .errors import (
    CorrectionRefusedError,
    ImportRefusedError,
    NotDeceasedError,
    PersonNotFoundError,
    RowProblem,
)
from .heirs import HeirEntry, HeirsResult, legal_heirs
from .population import (
    Address,
    HistoryEntry,
    Marriage,
    Person,
    PersonRecord,
    addresses_on,
    children_of,
    find_by_names,
    find_person,
    get_person,
    marriages_of,
    person_record,
    search_persons,
    spouse_on,
)
from .population_import import import_population
from .settlements import known_settlements
from .taxes import INTEREST_NOT_INCLUDED, Debt, DebtStatement, TaxObject, debts_on, objects_of
from .taxes_import import import_taxes

__all__ = [
    "INTEREST_NOT_INCLUDED",
    "Address",
    "CorrectionRefusedError",
    "Debt",
    "DebtStatement",
    "HeirEntry",
    "HeirsResult",
    "HistoryEntry",
    "ImportRefusedError",
    "ImportReport",
    "Marriage",
    "NotDeceasedError",
    "Person",
    "PersonNotFoundError",
    "PersonRecord",
    "RowProblem",
    "TaxObject",
    "addresses_on",
    "children_of",
    "debts_on",
    "find_by_names",
    "find_person",
    "get_person",
    "import_population",
    "import_taxes",
    "known_settlements",
    "legal_heirs",
    "marriages_of",
    "objects_of",
    "person_record",
    "search_persons",
    "spouse_on",
]
