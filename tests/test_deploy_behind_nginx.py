"""Central as shipped: gunicorn with deploy/gunicorn.conf.py and `central-api longpoll` behind the
rendered nginx site (TLS), on loopback. The client's real address comes from nginx's header only: audited sign-in failures
name it, and one client's rate limit is not another's.

Loopback has a whole /8: clients connect from 127.0.0.2, 127.0.0.3, ... so that nginx sees
different addresses, as it would for villages on the internet.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from deploy.checks import nginx_binary, nginx_main_conf, nginx_test, self_signed_certificate
from deploy.procs import command_for, free_port, stop_process, wait_for_http
from deploy.render import render_named

ROOT = Path(__file__).resolve().parent.parent
RATE_LIMIT = 30  # per client and minute, low so that a test can reach it
LONGPOLL_THREADS = 4
WAITING_KIOSKS = 200

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx missing (apt install nginx)",
)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """gunicorn (deploy/gunicorn.conf.py, SQLite) and the long-poll service behind nginx with
    TLS; its URL and home."""
    tmp_path = tmp_path_factory.mktemp("shipped")
    home = tmp_path / "central"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KIOSK_HOME")},
        "CENTRAL_HOME": str(home),
        "CENTRAL_TRUSTED_PROXIES": "127.0.0.1",
        "CENTRAL_KIOSK_RATE_LIMIT": str(RATE_LIMIT),
        "PYTHONPATH": str(ROOT),
    }
    run = [*command_for("central-api")]
    init = [*run, "init", "--municipality", str(ROOT / "deploy/profiles/lyaskovets.toml")]
    assert subprocess.run(init, env=env, capture_output=True, timeout=120).returncode == 0
    add = subprocess.run(
        [*run, "user", "add", "maria", "--role", "clerk", "--password-stdin"],
        env=env, input=b"maria-pass-1\n", capture_output=True, timeout=60,
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    port = free_port()
    gunicorn_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"}
    log = (tmp_path / "gunicorn.log").open("wb")
    processes = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "central_api:create_app()",
            ],
            env=gunicorn_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )  # fmt: skip
    ]
    longpoll_port = free_port()
    processes.append(
        subprocess.Popen(
            [*run, "longpoll", "--port", str(longpoll_port), "--threads", str(LONGPOLL_THREADS)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )  # fmt: skip
    )
    log.close()
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60, process=processes[0])
        wait_for_http(f"http://127.0.0.1:{longpoll_port}/healthz", timeout=60, process=processes[1])
        cert, key = self_signed_certificate(tmp_path / "tls")
        https_port = free_port()
        site = tmp_path / "central.conf"
        site.write_text(
            render_named(
                "nginx/central.conf",
                {
                    "upstreams": [f"127.0.0.1:{port}"],
                    "longpoll_upstreams": [f"127.0.0.1:{longpoll_port}"],
                    "ssl_certificate": cert,
                    "ssl_certificate_key": key,
                    "cache_dir": tmp_path / "nginx-cache",
                    "listen_http": f"127.0.0.1:{free_port()}",
                    "listen_https": f"127.0.0.1:{https_port}",
                    "server_name": "localhost",
                },
            )
        )
        conf = nginx_main_conf(tmp_path / "nginx", site)
        checked = nginx_test(conf)
        assert checked.returncode == 0, checked.stderr
        processes.append(
            subprocess.Popen(
                [nginx_binary(), "-c", str(conf)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        )
        tls = ssl.create_default_context(cafile=str(cert))
        wait_for_http(f"https://127.0.0.1:{https_port}/healthz", 30, processes[-1], tls)
        yield {"port": https_port, "tls": tls, "home": home, "env": env, "backend": port,
               "longpoll": longpoll_port, "longpoll_pid": processes[1].pid}  # fmt: skip
    finally:
        for process in reversed(processes):
            stop_process(process, timeout=20)


class Client:
    """An HTTPS client of nginx connecting from its own loopback address, with its cookies."""

    def __init__(self, shipped: dict, address: str):
        self.shipped, self.address, self.cookies = shipped, address, {}

    def call(self, method: str, path: str, body: bytes | None = None, headers=None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.shipped["port"], context=self.shipped["tls"], timeout=30,
            source_address=(self.address, 0),
        )  # fmt: skip
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return answer.status, answer.headers, data

    def sign_in(self, name: str, password: str) -> int:
        _, _, page = self.call("GET", "/office/sign-in")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"csrf_token": token, "name": name, "password": password}).encode()
        status, _, _ = self.call(
            "POST",
            "/office/sign-in",
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": "https://127.0.0.1/office/sign-in",  # nginx passes Host without port
            },
        )
        return status


def test_a_failed_sign_in_through_nginx_is_audited_with_the_clients_address(shipped):
    from central_api.db import make_engine, read
    from central_api.db.schema import audit_log

    assert Client(shipped, "127.0.0.2").sign_in("maria", "wrong-password") == 401
    engine = make_engine(f"sqlite:///{shipped['home'] / 'central.db'}")
    try:
        with read(engine) as conn:
            details = (
                conn.execute(
                    select(audit_log.c.details).where(audit_log.c.action == "office.sign_in_failed")
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert any('"address":"127.0.0.2"' in d for d in details), details


def test_the_office_cookie_through_nginx_is_secure_and_host_prefixed(shipped):
    status, headers, _ = Client(shipped, "127.0.0.5").call("GET", "/office/sign-in")
    cookies = headers.get_all("Set-Cookie") or []
    assert status == 200 and cookies, headers
    assert all(c.startswith("__Host-") and "Secure" in c for c in cookies), cookies


def test_one_clients_many_verify_calls_do_not_make_anothers_call_a_429(shipped):
    busy, other = Client(shipped, "127.0.0.3"), Client(shipped, "127.0.0.4")
    # Each gunicorn worker counts on its own: twice the limit and five more is over it anyway.
    calls = 2 * RATE_LIMIT + 5
    statuses = [busy.call("GET", "/verify/2026-000404")[0] for _ in range(calls)]
    assert statuses.count(429) >= 5 and set(statuses) <= {404, 429}
    assert other.call("GET", "/verify/2026-000404")[0] == 404


def test_a_forged_forwarded_for_from_outside_the_proxy_is_not_believed(shipped):
    """Straight to gunicorn (not through nginx): the header names someone else; it is ignored."""
    connection = http.client.HTTPConnection("127.0.0.1", shipped["backend"], timeout=30,
                                            source_address=("127.0.0.6", 0))  # fmt: skip
    statuses = []
    try:
        for index in range(2 * RATE_LIMIT + 2):
            connection.request(
                "GET", "/verify/2026-000404", headers={"X-Forwarded-For": f"10.0.0.{index}"}
            )
            answer = connection.getresponse()
            answer.read()
            statuses.append(answer.status)
    finally:
        connection.close()
    assert 429 in statuses  # every call counted against 127.0.0.6, whatever it claimed


def slow_post(shipped: dict, address: str) -> ssl.SSLSocket:
    """A client that announces a 1 MB upload and sends one byte of it, then nothing."""
    raw = socket.create_connection(("127.0.0.1", shipped["port"]), timeout=10,
                                   source_address=(address, 0))  # fmt: skip
    connection = shipped["tls"].wrap_socket(raw, server_hostname="127.0.0.1")
    connection.sendall(
        b"POST /api/v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nV"
    )
    return connection


def test_anonymous_long_polls_and_slow_uploads_do_not_stop_the_office(shipped):
    """200 anonymous long-polls and 20 slow uploads at once (issue 17, finding 1): the long-polls
    are refused at once (401, unsigned), the slow uploads wait in nginx, and /healthz and the
    office's sign-in keep answering."""
    import threading

    slow = [slow_post(shipped, f"127.0.1.{index + 1}") for index in range(20)]
    answers: list[int] = []
    lock = threading.Lock()

    def long_poll(index: int) -> None:
        client = Client(shipped, f"127.0.2.{index % 250 + 1}")
        status, _, _ = client.call("GET", "/api/v1/kiosks/dzhulyunitsa-1/downlink?after=0&wait=30")
        with lock:
            answers.append(status)

    polls = [threading.Thread(target=long_poll, args=(index,), daemon=True) for index in range(200)]
    try:
        for thread in polls:
            thread.start()
        office = Client(shipped, "127.0.3.1")
        for _ in range(3):  # a functional check that they answer, not a benchmark
            health = http.client.HTTPSConnection(
                "127.0.0.1", shipped["port"], context=shipped["tls"], timeout=2
            )
            health.request("GET", "/healthz")
            assert health.getresponse().status == 200
            health.close()
        assert office.sign_in("maria", "maria-pass-1") == 302
        for thread in polls:
            thread.join(timeout=60)
        assert answers.count(401) == 200, sorted(set(answers))
    finally:
        for connection in slow:
            connection.close()


def _threads_of(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def _waiting(shipped: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", shipped["longpoll"], timeout=10)
    try:
        connection.request("GET", "/healthz")
        return json.loads(connection.getresponse().read())["waiting"]
    finally:
        connection.close()


def test_kiosks_waiting_in_long_polls_hold_no_thread_while_the_office_answers(shipped):
    """200 enrolled kiosks hold signed long-polls through nginx at once (issue 17, "waiting costs
    no thread"): they wait in the event-loop service, whose threads do not grow with them; the
    office's /healthz and sign-in answer meanwhile (gunicorn has 2 x 8 threads: 200 waits there
    would leave it none); a record queued for one kiosk ends that kiosk's wait only."""
    import asyncio
    import threading

    import aiohttp

    from central_api.db import make_engine, write
    from central_api.workflow import queue_record
    from tests.fleet import enroll_fleet, long_poll

    engine = make_engine(f"sqlite:///{shipped['home'] / 'central.db'}")
    try:
        fleet = enroll_fleet(engine, WAITING_KIOSKS)
        base = f"https://127.0.0.1:{shipped['port']}"
        outcome: dict = {}
        loop = asyncio.new_event_loop()

        async def hold_all():
            connector = aiohttp.TCPConnector(ssl=shipped["tls"], limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:
                tasks = [asyncio.create_task(long_poll(session, base, k, 0, 30)) for k in fleet]
                outcome["tasks"] = tasks
                done, _ = await asyncio.wait(tasks, timeout=45)
                outcome["answers"] = {task: task.result() for task in done}

        runner = threading.Thread(target=lambda: loop.run_until_complete(hold_all()), daemon=True)
        runner.start()
        try:
            wait_until = time.monotonic() + 60
            while _waiting(shipped) < WAITING_KIOSKS:
                assert time.monotonic() < wait_until, f"only {_waiting(shipped)} waiting"
                time.sleep(0.2)
            assert _threads_of(shipped["longpoll_pid"]) < LONGPOLL_THREADS + 10
            office = Client(shipped, "127.0.4.1")
            status, _, _ = office.call("GET", "/healthz")
            assert status == 200
            assert office.sign_in("maria", "maria-pass-1") == 302
            with write(engine) as conn:
                queue_record(conn, fleet[0].party_id, "settings.updated", {"retention_days": 20})
            woken = outcome["tasks"][0]
            wait_until = time.monotonic() + 20
            while not woken.done():
                assert time.monotonic() < wait_until, "the queued record did not end the wait"
                time.sleep(0.05)
            status, body = woken.result()
            assert status == 200 and body
            assert _waiting(shipped) == WAITING_KIOSKS - 1
        finally:
            runner.join(timeout=60)
            loop.close()
        assert len(outcome["answers"]) == WAITING_KIOSKS
        statuses = [status for status, _ in outcome["answers"].values()]
        assert statuses.count(204) == WAITING_KIOSKS - 1  # the others waited their time out
    finally:
        engine.dispose()
