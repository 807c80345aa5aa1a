"""The office's migration (one head, an upgrade keeps the data) and its server-drawn reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from central_api.db.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from central_api.office.charts import horizontal_bars, stacked_columns


def test_the_migrations_have_one_head_and_the_office_tables_match_the_metadata():
    from central_api.office import tables

    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1
    assert tables.office_sessions.metadata is tables.requests.metadata


def test_upgrading_from_before_the_office_keeps_the_requests(central_config):
    from central_api.context import Central

    older = Central.from_config(central_config)
    older.home.mkdir(parents=True)
    upgrade(older.engine, "0002")
    with older.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO requests (reference, service, village, fields, status, version, "
                "created_at, updated_at, fee_status) VALUES ('DZH1-00001', 's', 'dzhulyunitsa', "
                "'{}', 'received', 1, '2026-01-05T10:00:00Z', '2026-01-05T10:00:00Z', 'due')"
            )
        )
    upgrade(older.engine)
    assert current_revision(older.engine) == head_revision()
    with older.engine.connect() as conn:
        assert conn.execute(text("SELECT reference FROM requests")).scalar() == "DZH1-00001"
    indexes = {index["name"] for index in inspect(older.engine).get_indexes("requests")}
    assert {"ix_office_requests_queue", "ix_office_requests_village"} <= indexes
    tables = set(inspect(older.engine).get_table_names())
    assert {"office_sessions", "office_staff", "office_notices"} <= tables
    older.dispose()


def test_charts_are_well_formed_svg_with_a_title_and_no_scripts():
    columns = stacked_columns(
        "Заявления", "по седмици", ["05.10", "12.10"], [("Джулюница", [3, 0]), ("Мерданя", [1, 4])]
    )
    bars = horizontal_bars("Просрочени", "по села", [("Добри дял", 2), ("<script>", 0)])
    for chart in (columns, bars):
        root = ET.fromstring(str(chart))
        assert root.tag.endswith("svg") and root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text
        assert "<script" not in str(chart)
    assert "&lt;script&gt;" in str(bars)


def test_the_reports_count_per_village_per_week_and_overdue(central, office_client, office_kiosk):
    from sqlalchemy import update

    from central_api.db import write
    from central_api.db.schema import requests

    with write(central.engine) as conn:
        conn.execute(
            update(requests)
            .where(requests.c.reference == office_kiosk["references"][0])
            .values(due_date="2020-01-01")
        )
    page = office_client("auditor").get("/office/reports").get_data(as_text=True)
    assert page.count('role="img"') >= 3
    assert "Джулюница" in page
    # The overdue table (beside its chart) says one for Джулюница.
    assert '<th scope="row">Джулюница</th><td>1</td>' in page
