"""The council's migration creates exactly the tables of central_api.council.tables."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from central_api.council import tables
from central_api.db.migrate import upgrade


def test_the_council_migration_matches_the_council_tables(central):
    upgrade(central.engine)
    with central.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    council = [d for d in differences if "council_" in repr(d)]
    assert council == []
