"""Long-poll on the downlink (central_api.longpoll): answered as soon as something is queued for the
kiosk, by whichever process; 204 when the wait runs out. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from central_api import longpoll
from central_api.db import write
from central_api.errors import InvalidInputError
from central_api.workflow import queue_record


def _wait_in_background(central, kiosk_id: str, after: int, wait: float) -> dict:
    outcome = {}

    def run():
        started = time.monotonic()
        outcome["data"] = longpoll.wait_for_downlink(
            central.engine, central.identity, kiosk_id, after, wait
        )
        outcome["seconds"] = time.monotonic() - started
        outcome["returned_at"] = time.monotonic()

    outcome["thread"] = threading.Thread(target=run, daemon=True)
    outcome["thread"].start()
    return outcome


def test_a_waiting_kiosk_gets_a_record_queued_meanwhile_within_a_poll(central, sim_kiosk):
    waiting = _wait_in_background(central, sim_kiosk.kiosk_id, 0, wait=10)
    time.sleep(0.6)
    queued_at = time.monotonic()
    with write(central.engine) as conn:  # a clerk's commit, as another process would make it
        queue_record(conn, sim_kiosk.kiosk_id, "settings.updated", {"retention_days": 20})
    waiting["thread"].join(15)
    assert waiting["data"] is not None
    assert waiting["returned_at"] - queued_at < 1.5
    [record] = sim_kiosk.open(waiting["data"]).records
    assert record["type"] == "settings.updated"


def test_an_idle_wait_ends_with_nothing_after_the_wait(central, sim_kiosk):
    started = time.monotonic()
    assert (
        longpoll.wait_for_downlink(central.engine, central.identity, sim_kiosk.kiosk_id, 0, 0.5)
        is None
    )
    assert 0.45 <= time.monotonic() - started < 3


def test_a_bundle_already_waiting_is_answered_at_once(central, sim_kiosk):
    with write(central.engine) as conn:
        queue_record(conn, sim_kiosk.kiosk_id, "settings.updated", {"retention_days": 20})
    started = time.monotonic()
    assert longpoll.wait_for_downlink(central.engine, central.identity, sim_kiosk.kiosk_id, 0, 20)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("raw, expected", [(None, 0.0), ("", 0.0), ("2.5", 2.5), ("999", 120.0)])
def test_wait_is_parsed_and_capped(raw, expected):
    assert longpoll.parse_wait(raw) == expected


@pytest.mark.parametrize("raw", ["soon", "-1", "nan"])
def test_a_garbled_wait_is_a_clear_error(raw):
    with pytest.raises(InvalidInputError):
        longpoll.parse_wait(raw)
