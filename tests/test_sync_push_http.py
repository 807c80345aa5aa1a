"""Push over HTTP with real processes: TWO `central-api serve` processes on one database; a
kiosk long-polls one of them and a clerk's decision committed elsewhere reaches it in seconds;
the sync daemon keeps one long-poll open while idle instead of polling."""

from __future__ import annotations

import random
import threading
import time

import pytest

from central_api import decisions
from kiosk_app import submission
from kiosk_app.daemon import DaemonSettings, SyncDaemon
from sync import Identity
from sync.transport import HttpTransport
from tests.sync_harness import CentralProcess, Kiosk, converge


@pytest.fixture
def two_centrals(tmp_path):
    first = CentralProcess(tmp_path / "central", workers=1)
    second = CentralProcess(tmp_path / "central", workers=1, initialise=False)
    first.start()
    second.start()
    try:
        yield first, second
    finally:
        second.stop()
        first.stop()


def test_a_decision_committed_by_one_process_reaches_a_long_poll_held_by_the_other(
    two_centrals, tmp_path
):
    first, second = two_centrals
    kiosk = Kiosk(tmp_path / "kiosk", first, "dragizhevo", first.url)
    reference = kiosk.submit(random.Random(3))
    converge(kiosk, first.url)
    arrived = {}

    def long_poll():
        transport = kiosk.http(second.url, timeout=30)
        started = time.monotonic()
        arrived["data"] = transport.fetch_downlink(kiosk.kiosk_id, 0, wait=15)
        arrived["at"] = time.monotonic()
        arrived["held"] = arrived["at"] - started

    thread = threading.Thread(target=long_poll, daemon=True)
    thread.start()
    time.sleep(1.5)
    decided_at = time.monotonic()
    decisions.reject(
        first.engine, reference, "Непълни данни.", "clerk", signer=first.central.document_signer
    )
    thread.join(20)
    assert arrived.get("data"), "the long-poll ended without the decision"
    assert arrived["held"] > 1.0  # it really waited
    assert arrived["at"] - decided_at < 2.0


def test_an_idle_long_poll_ends_empty_after_the_wait(two_centrals, tmp_path):
    first, _ = two_centrals
    kiosk = Kiosk(tmp_path / "kiosk", first, "merdanya", first.url)
    started = time.monotonic()
    assert kiosk.http(first.url).fetch_downlink(kiosk.kiosk_id, 0, wait=1.0) is None
    assert 0.9 <= time.monotonic() - started < 5


def test_the_daemon_waits_on_one_long_poll_while_idle_and_gets_a_decision_in_seconds(
    two_centrals, tmp_path
):
    first, second = two_centrals
    kiosk = Kiosk(tmp_path / "kiosk", first, "kozarevets", first.url)
    reference = kiosk.submit(random.Random(4))
    calls = []

    class Counting(HttpTransport):
        def _call(self, method, path, **kwargs):
            calls.append(path)
            return super()._call(method, path, **kwargs)

    daemon = SyncDaemon(
        kiosk.config,
        DaemonSettings(wait=10),
        transport=Counting(second.url, identity=Identity.load(kiosk.config.keys_dir)),
    )
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while submission.request_status(kiosk.config, reference).status == "queued":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(2)
        idle_calls = len(calls)
        time.sleep(3)
        assert len(calls) - idle_calls <= 1  # held open, not polled
        decided_at = time.monotonic()
        decisions.reject(
            first.engine, reference, "Непълни данни.", "clerk", signer=first.central.document_signer
        )
        while submission.request_status(kiosk.config, reference).status != "rejected":
            assert time.monotonic() - decided_at < 10
            time.sleep(0.02)
        assert time.monotonic() - decided_at < 2.0
    finally:
        daemon.stop()
        thread.join(15)
