"""The long-poll on an event loop (central_api.longpoll_service, central_api.downlink_wakeup), on
SQLite and on real PostgreSQL: the database wakes exactly the kiosk something was queued for
(LISTEN/NOTIFY; SQLite's change counter), and the service answers signed long-polls from it.

The service runs in this process, on a loopback port."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
from aiohttp import web

from central_api.db import write
from central_api.downlink_wakeup import Waiters, listen_postgres, watch_sqlite
from central_api.longpoll_service import HOLDING, create_longpoll_app
from central_api.workflow import queue_record
from tests.fleet import enroll_fleet, long_poll


def _queue(engine, kiosk_id: str) -> None:
    """A clerk's commit, as any central process would make it."""
    with write(engine) as conn:
        queue_record(conn, kiosk_id, "settings.updated", {"retention_days": 20})


async def _blocking(function, *args):
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


def test_the_database_wakes_only_the_kiosk_something_was_queued_for(central):
    kiosk, other = enroll_fleet(central.engine, 2)

    async def scenario():
        waiters = Waiters()
        listening = asyncio.Event()
        if central.engine.dialect.name == "postgresql":
            task = asyncio.create_task(listen_postgres(central.engine, waiters, listening.set))
            await asyncio.wait_for(listening.wait(), 30)
        else:
            task = asyncio.create_task(watch_sqlite(central.engine, waiters, _blocking))
            await asyncio.sleep(0.3)  # the counter has read where it starts
        mine, theirs = waiters.add(kiosk.party_id), waiters.add(other.party_id)
        try:
            await _blocking(_queue, central.engine, kiosk.party_id)
            await asyncio.wait_for(mine.wait(), 10)
            await asyncio.sleep(0.3)  # time enough for a wrong wake-up to arrive too
            return theirs.is_set()
        finally:
            task.cancel()

    assert asyncio.run(scenario()) is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_signed_long_polls_wait_on_the_event_loop_and_get_what_is_queued(central):
    fleet = enroll_fleet(central.engine, 30)
    woken, idle = fleet[0], fleet[1]

    async def scenario():
        app = create_longpoll_app(central, threads=2)
        runner = web.AppRunner(app, handler_cancellation=True)
        await runner.setup()
        port = _free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as session:
                waiting = [asyncio.create_task(long_poll(session, base, k, 0, 20)) for k in fleet]
                while app[HOLDING][0] < len(fleet):
                    await asyncio.sleep(0.05)
                await _blocking(_queue, central.engine, woken.party_id)
                status, body = await asyncio.wait_for(waiting[0], 10)
                still_waiting = sum(not task.done() for task in waiting[1:])
                for task in waiting[1:]:
                    task.cancel()
                anonymous = await session.get(f"{base}/api/v1/kiosks/{idle.party_id}/downlink")
                empty = await long_poll(session, base, idle, 0, 0.2)
                return status, body, still_waiting, anonymous.status, empty[0]
        finally:
            await runner.cleanup()

    status, body, still_waiting, anonymous, empty = asyncio.run(scenario())
    assert status == 200 and body  # the bundle with the queued record
    assert still_waiting == 29  # two database threads (and two for news), 29 still waiting
    assert anonymous == 401
    assert empty == 204


def test_several_long_poll_processes_share_one_port_and_each_is_woken(central, central_env):
    """`central-api longpoll --processes 2`: two worker processes behind one port (gunicorn's
    arbiter), each with its own event loop and wake-up; a record queued for a kiosk ends that
    kiosk's wait whichever worker holds it, and the others keep waiting."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from deploy.procs import wait_for_http

    fleet = enroll_fleet(central.engine, 12)
    port = _free_port()
    service = subprocess.Popen(
        [sys.executable, "-m", "central_api.cli", "longpoll", "--port", str(port),
         "--threads", "2", "--processes", "2"],
        env={**os.environ, **central_env}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/healthz", timeout=90, process=service)
        workers = Path(f"/proc/{service.pid}/task/{service.pid}/children")
        deadline = time.monotonic() + 60
        while len(workers.read_text().split()) < 2:
            assert time.monotonic() < deadline, "the second worker did not start"
            time.sleep(0.2)

        async def scenario():
            async with aiohttp.ClientSession() as session:
                waiting = [asyncio.create_task(long_poll(session, base, k, 0, 20)) for k in fleet]
                await asyncio.sleep(3)  # every call checked and waiting in one of the workers
                for kiosk in fleet[:4]:
                    await _blocking(_queue, central.engine, kiosk.party_id)
                woken = await asyncio.wait_for(asyncio.gather(*waiting[:4]), 15)
                still_waiting = sum(not task.done() for task in waiting[4:])
                for task in waiting[4:]:
                    task.cancel()
                return woken, still_waiting

        woken, still_waiting = asyncio.run(scenario())
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=30)
    assert all(status == 200 and body for status, body in woken)
    assert still_waiting == 8
    assert service.returncode == 0
