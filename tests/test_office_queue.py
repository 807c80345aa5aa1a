"""The work queue: filters, search, overdue first, and keyset paging over 100,000 requests."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, text

from central_api.db import read, write
from central_api.db.schema import requests
from central_api.municipality import load_municipality
from central_api.office.queue import PAGE_SIZE, QueueFilter, find_requests
from tests.fixtures_central import LYASKOVETS_PROFILE

SERVICES = ("permanent-address-certificate", "current-address-certificate", "plot-sketch")
STATES = ("received", "in_review", "needs_info", "approved", "issued", "rejected")
NAMES = ("Иван Петров", "Мария Колева", "Георги Стоянов", "Елена Тодорова")


def fill(engine, count: int, batch: int = 5000) -> None:
    """``count`` requests straight into the table (the queue only reads them)."""
    today = datetime.now(UTC).date()
    profile = load_municipality(LYASKOVETS_PROFILE)
    villages = [settlement.code for settlement in profile.villages]
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(start + batch, count)):
            first, last = NAMES[n % len(NAMES)].split()
            village = villages[n % len(villages)]
            rows.append(
                {
                    "reference": f"{profile.settlement(village).abbreviation}{1 + n % 3}-{n:06d}",
                    "service": SERVICES[n % len(SERVICES)],
                    "village": village,
                    "kiosk_id": f"{village}-1",
                    "fields": json.dumps(
                        {"first_name": first, "last_name": last}, ensure_ascii=False
                    ),
                    "status": STATES[n % len(STATES)],
                    "version": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "due_date": (today + timedelta(days=(n * 7919) % 90 - 30)).isoformat()
                    if n % 50
                    else None,
                    "fee_status": "due",
                }
            )
        with write(engine) as conn:
            conn.execute(insert(requests), rows)


def walk(conn, chosen: QueueFilter, pages: int) -> list[dict]:
    seen = []
    for _ in range(pages):
        page = find_requests(conn, chosen)
        seen += page.rows
        if not page.next_after:
            break
        chosen.after = page.next_after
    return seen


def test_open_requests_come_overdue_first_and_pages_neither_skip_nor_repeat(central):
    fill(central.engine, 600)
    with read(central.engine) as conn:
        every = walk(conn, QueueFilter(), pages=100)
        total = find_requests(conn, QueueFilter()).total
    assert len(every) == total == len({row["id"] for row in every})
    assert {row["status"] for row in every} <= {"received", "in_review", "needs_info", "approved"}
    keys = [(row["due_date"] or "9999-12-31", row["id"]) for row in every]
    assert keys == sorted(keys)
    today = date.today().isoformat()
    overdue = [row["due_date"] < today for row in every if row["due_date"]]
    assert overdue == sorted(overdue, reverse=True)  # all the overdue ones, then the rest


def test_filters_by_state_village_service_due_date_and_overdue(central):
    fill(central.engine, 300)
    by = {
        "state": lambda row: row["status"] == "needs_info",
        "village": lambda row: row["village"] == "merdanya",
        "service": lambda row: row["service"] == "plot-sketch",
    }
    with read(central.engine) as conn:
        found = walk(conn, QueueFilter(state="needs_info"), 50)
        assert found and all(by["state"](row) for row in found)
        found = walk(conn, QueueFilter(state="all", village="merdanya"), 50)
        assert len(found) == 60 and all(by["village"](row) for row in found)
        found = walk(conn, QueueFilter(service="plot-sketch"), 50)
        assert found and all(by["service"](row) for row in found)
        found = walk(conn, QueueFilter(due_before="2000-01-01"), 50)
        assert found == []
        overdue = walk(conn, QueueFilter(overdue_only=True), 50)
        assert overdue and all(row["due_date"] < date.today().isoformat() for row in overdue)


def test_search_finds_a_reference_or_a_name_however_it_is_typed(central, office_client):
    fill(central.engine, 200)
    with read(central.engine) as conn:
        by_reference = find_requests(conn, QueueFilter(state="all", search="mer2-000004"))
        by_name = walk(conn, QueueFilter(state="all", search="колева"), 50)
    assert [row["reference"] for row in by_reference.rows] == ["MER2-000004"]
    assert len(by_name) == 50 and all(row["applicant"] == "Мария Колева" for row in by_name)
    page = office_client("clerk").get("/office/queue?state=all&q=MER2-000004")
    assert "MER2-000004" in page.get_data(as_text=True)


def test_a_deep_page_of_100000_requests_is_fast(central, central_database_url):
    if central_database_url:
        pytest.skip("timed on SQLite, the default database")
    fill(central.engine, 100_000, batch=20_000)
    with read(central.engine) as conn:
        conn.execute(text("ANALYZE"))
        chosen = QueueFilter(state="all")
        first = find_requests(conn, chosen)
        chosen.after = f"{(date.today() + timedelta(days=55)).isoformat()}|90000"
        started = time.perf_counter()
        deep = find_requests(conn, chosen)
        elapsed = time.perf_counter() - started
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM requests WHERE due_date IS NOT NULL "
                    "AND (due_date, id) > ('2026-12-01', 5) ORDER BY due_date, id LIMIT 51"
                )
            )
        )
    assert first.total == 100_000 and len(deep.rows) == PAGE_SIZE
    assert "ix_office_requests_queue" in plan
    assert elapsed < 1.0, f"a deep page took {elapsed:.3f}s"


def test_an_applicant_who_gave_only_a_number_is_named_as_the_register_names_them(
    central, villagers
):
    fill(central.engine, 2)
    with write(central.engine) as conn:
        conn.execute(
            text("update requests set fields = :fields where id = (select min(id) from requests)"),
            {
                "fields": json.dumps(
                    {"personal_number_kind": "egn", "personal_number": villagers.son}
                )
            },
        )
    with read(central.engine) as conn:
        names = [row["applicant"] for row in find_requests(conn, QueueFilter(state="all")).rows]
    assert "Георги Петров Колев" in names and "Мария Колева" in names
