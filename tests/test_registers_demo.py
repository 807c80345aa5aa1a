"""The demo's generated register: the villages' 2024 populations, valid ЕГН, usable demo people."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select
from stdnum.bg import egn as stdnum_egn

from central_api import registers
from central_api.db import make_engine, read, write
from central_api.db.schema import metadata, register_addresses, register_persons
from central_api.registers.demo import AS_OF, demo_persons, generate_register
from deploy.demo_data import POPULATIONS_2024, REGISTER_SEED, VILLAGE_NAMES


@pytest.fixture(scope="module")
def demo_files():
    return generate_register(POPULATIONS_2024, VILLAGE_NAMES, REGISTER_SEED)


@pytest.fixture(scope="module")
def demo_register(demo_files, tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'central.db'}")
    metadata.create_all(engine)
    with write(engine) as conn:
        registers.import_population(conn, demo_files[0], VILLAGE_NAMES, actor="test")
        registers.import_taxes(conn, demo_files[1], VILLAGE_NAMES, actor="test")
    yield engine
    engine.dispose()


def test_the_same_seed_gives_the_same_register(demo_files):
    assert generate_register(POPULATIONS_2024, VILLAGE_NAMES, REGISTER_SEED) == demo_files
    assert generate_register(POPULATIONS_2024, VILLAGE_NAMES, REGISTER_SEED + 1) != demo_files


def test_every_egn_is_valid_and_its_ninth_digit_tells_the_sex(demo_files):
    rows = list(csv.DictReader(io.StringIO(demo_files[0].decode())))
    assert len({row["egn"] for row in rows}) == len(rows)
    for row in rows:
        assert stdnum_egn.is_valid(row["egn"]), row["egn"]
        assert (int(row["egn"][8]) % 2 == 0) == (row["sex"] == "M")


def test_each_village_has_its_2024_population_of_living_residents(demo_register):
    with read(demo_register) as conn:
        living = dict(
            conn.execute(
                select(register_addresses.c.settlement, func.count())
                .join(register_persons, register_persons.c.id == register_addresses.c.person_id)
                .where(
                    register_addresses.c.kind == "permanent",
                    register_addresses.c.ended_on.is_(None),
                    register_persons.c.death_date.is_(None),
                )
                .group_by(register_addresses.c.settlement)
            ).all()
        )
        statuses = set(conn.execute(select(register_persons.c.marital_status)).scalars())
        child, parent = register_persons.alias("child"), register_persons.alias("parent")
        grandchildren = conn.execute(
            select(func.count())
            .select_from(child.join(parent, child.c.father_id == parent.c.id))
            .where(parent.c.father_id.is_not(None))
        ).scalar()
    assert living == POPULATIONS_2024
    assert statuses == {"single", "married", "divorced", "widowed"}
    assert grandchildren > 100  # three generations


def test_the_demo_persons_are_alive_with_an_address_or_deceased_with_heirs_or_owing(demo_register):
    with read(demo_register) as conn:
        picked = demo_persons(conn, "merdanya", on=AS_OF.isoformat())
        assert len(picked.residents) == 3
        for person in picked.residents:
            record = registers.person_record(conn, person.id, on=AS_OF.isoformat())
            assert record.alive and record.permanent_address.settlement == "merdanya"
        assert picked.deceased_with_heirs
        for person in picked.deceased_with_heirs:
            result = registers.legal_heirs(conn, person)
            assert result.complete and result.heirs
        assert picked.with_tax_debt
        for person in picked.with_tax_debt:
            assert registers.debts_on(conn, person.id, AS_OF.isoformat()).has_debts
