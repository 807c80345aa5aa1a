"""The hall: time from a councillor's vote to the hall screen showing it, all 17 voting at once.

A real ``central-api serve`` (gunicorn, 2 workers × 4 threads, as ``central-api serve`` starts
by default; SQLite) on loopback, with a council of 17 signed in as 17 HTTP sessions, the chair
as another, and a "hall screen" that asks ``/council/hall/state?since=V`` every 250 ms, as the
projector's page does (central_api/council/static/council.js). For each round the chair opens a
vote, the 17 send their votes at the same moment (a barrier), and the screen notes when each
councillor first shows as having voted; the latency of a vote is that moment minus the moment
its request left. The figure includes the screen's own polling interval, as a person sees it.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
PROFILE = Path(__file__).resolve().parent.parent / "deploy" / "profiles" / "lyaskovets.toml"
COUNCIL = 17
ROUNDS = 6
POLL = 0.25  # the pages' interval
PASSWORD = "bench-hall-pass"
META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
FORM_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(home: Path) -> dict:
    """A central with 17 councillors (the first the chair), an open session of ROUNDS items."""
    from sqlalchemy import insert, select

    from central_api.config import load_config
    from central_api.context import Central
    from central_api.council.members import add_councillor
    from central_api.council.sessions import add_item, create_session, open_session
    from central_api.db import write
    from central_api.db.schema import users
    from central_api.users import add_user

    central = Central.from_config(load_config(environ={}, CENTRAL_HOME=str(home)))
    central.initialise(PROFILE)
    items = []
    with write(central.engine) as conn:
        add_user(conn, "chair", "council_chair", PASSWORD)
        password_hash = conn.execute(select(users.c.password_hash)).scalar_one()
        names = ["chair"] + [f"c{n:02d}" for n in range(2, COUNCIL + 1)]
        for name in names[1:]:
            conn.execute(
                insert(users).values(
                    name=name,
                    role="councillor",
                    password_hash=password_hash,
                    created_at="2026-11-01T08:00:00Z",
                    disabled=False,
                )
            )
        for name in names:
            add_councillor(conn, f"Съветник {name}", "Група", "2023-11-01", "2027-10-31", name)
        meeting = create_session(conn, 1, "2026-11-26T09:00", "Зала", "bench")
        for number in range(ROUNDS):
            created = add_item(
                conn,
                meeting["id"],
                title=f"Точка {number + 1}",
                proposer="Кмет",
                draft_decision="Приема.",
                basis_key="ordinary",
                actor="bench",
            )
            items.append(created["id"])
        open_session(conn, meeting["id"], "bench")
    central.dispose()
    return {"names": names, "items": items, "session": meeting["id"]}


def _signed_in(url: str, name: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    form = session.get(f"{url}/office/sign-in", timeout=30).text
    token = FORM_CSRF.search(form).group(1)
    answer = session.post(
        f"{url}/office/sign-in",
        data={"csrf_token": token, "name": name, "password": PASSWORD},
        timeout=30,
    )
    answer.raise_for_status()
    page = session.get(f"{url}/office/council/tablet", timeout=30).text
    return session, META_CSRF.search(page).group(1)


def _act(session: requests.Session, token: str, url: str, body: dict) -> None:
    headers = {"X-CSRFToken": token}
    try:
        answer = session.post(url, json=body, headers=headers, timeout=30)
    except requests.ConnectionError:
        # gunicorn closes a kept-alive connection idle for 2 s; a browser sends again on a new
        # one, and so do we (once). A vote that did arrive the first time answers 409.
        answer = session.post(url, json=body, headers=headers, timeout=30)
        if answer.status_code == 409:
            return
    answer.raise_for_status()


class _Screen(threading.Thread):
    """Polls like the projector's page; notes when each member first shows as having voted."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.seen: dict[int, float] = {}
        self.stopped = threading.Event()
        self.version = None

    def run(self) -> None:
        session = requests.Session()
        while not self.stopped.is_set():
            since = "" if self.version is None else f"?since={self.version}"
            answer = session.get(f"{self.url}/council/hall/state{since}", timeout=30)
            now = time.perf_counter()
            if answer.status_code == 200:
                state = answer.json()
                self.version = state["version"]
                for member in state["members"]:
                    if member["voted"]:
                        self.seen.setdefault(member["id"], now)
            self.stopped.wait(POLL)


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-council-") as tmp:
        home = Path(tmp) / "central"
        setup = _prepare(home)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, CENTRAL_HOME=str(home))
        env.pop("DATABASE_URL", None)
        log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115 - the server's whole life
        server = subprocess.Popen(
            [BIN / "central-api", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"{url}/healthz", timeout=2).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            tablets = [_signed_in(url, name) for name in setup["names"]]
            chair_session, chair_token = tablets[0]
            for session, token in tablets:
                _act(session, token, f"{url}/office/council/present", {"session": setup["session"]})
            ids = {}
            state = tablets[0][0].get(f"{url}/office/council/state", timeout=30).json()
            for member in state["members"]:
                ids[member["name"].removeprefix("Съветник ")] = member["id"]
            latencies = []
            for item in setup["items"]:
                _act(chair_session, chair_token, f"{url}/office/council/vote/open", {"item": item})
                screen = _Screen(url)
                screen.start()
                time.sleep(2 * POLL)  # the screen has seen the open vote
                barrier = threading.Barrier(len(tablets))
                sent: dict[int, float] = {}

                def vote(index, tablet, item=item, barrier=barrier, sent=sent):
                    session, token = tablet
                    barrier.wait(timeout=30)
                    sent[ids[setup["names"][index]]] = time.perf_counter()
                    _act(session, token, f"{url}/office/council/vote",
                         {"item": item, "choice": "for"})  # fmt: skip

                voters = [
                    threading.Thread(target=vote, args=(index, tablet))
                    for index, tablet in enumerate(tablets)
                ]
                for voter in voters:
                    voter.start()
                for voter in voters:
                    voter.join(timeout=60)
                deadline = time.monotonic() + 30
                while len(screen.seen) < len(tablets) and time.monotonic() < deadline:
                    time.sleep(0.05)
                screen.stopped.set()
                screen.join(timeout=10)
                latencies += [screen.seen[m] - sent[m] for m in sent if m in screen.seen]
                _act(chair_session, chair_token, f"{url}/office/council/vote/close", {"item": item})
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    figures = {
        "council_vote_to_screen_p95_ms": round(p95 * 1000),
        "council_vote_to_screen_median_ms": round(statistics.median(latencies) * 1000),
        "council_vote_to_screen_max_ms": round(max(latencies) * 1000),
        "council_vote_to_screen_samples": len(latencies),
    }
    for key, value in figures.items():
        print(f"   {key}: {value}")
    return figures
