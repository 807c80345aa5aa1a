"""`make screenshots`: every screen people look at, in both languages, into docs/screenshots/.

The kiosk's tour needs an enrolled kiosk (its catalogue comes from central), so this makes a
throw-away central, serves it on loopback just long enough to enroll a kiosk, and then renders
the kiosk tour and the web office pages.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def enrolled_kiosk_home(workdir: Path) -> Path:
    env = dict(os.environ, CENTRAL_HOME=str(workdir / "central"), KIOSK_HOME=str(workdir / "kiosk"))
    env.pop("DATABASE_URL", None)

    def run(*args: str) -> str:
        return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout

    run(
        str(BIN / "central-api"),
        "init",
        "--municipality",
        str(ROOT / "deploy/profiles/lyaskovets.toml"),
    )
    token = (
        run(str(BIN / "central-api"), "kiosk", "invite", "dzhulyunitsa").strip().splitlines()[-1]
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "central-api"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        run(
            str(BIN / "kiosk-app"),
            "enroll",
            "--central",
            f"http://127.0.0.1:{port}",
            "--token",
            token,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return workdir / "kiosk"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="screenshots-") as workdir:
        home = enrolled_kiosk_home(Path(workdir))
        env = dict(os.environ, KIOSK_HOME=str(home), QT_QPA_PLATFORM="offscreen")
        subprocess.run(
            [str(BIN / "kiosk-app"), "tour", str(ROOT / "docs/screenshots/kiosk")],
            env=env,
            check=True,
        )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "deploy.office_screenshots",
            str(ROOT / "docs/screenshots/office"),
        ],
        check=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
