"""``python -m deploy.office_screenshots OUTDIR``: a PNG of every office page, in Bulgarian
and in English, at 1366x768, from a real ``central-api serve`` filled with the demo data.

:class:`DemoOffice` (a throw-away home, seeded, served on a free loopback port) is shared with
the browser tests (``tests/fixtures_browser.py``). Chromium is Debian's (``/usr/bin/chromium``),
driven by Playwright; nothing is downloaded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}
ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "deploy" / "profiles" / "lyaskovets.toml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoOffice:
    """A seeded central home served by ``central-api serve``; a context manager."""

    def __init__(self, home: Path | None = None, requests_per_kiosk: int = 12, seed: bool = True):
        self._temporary = None if home else tempfile.TemporaryDirectory(prefix="office-demo-")
        self.home = Path(home or self._temporary.name) / "central"
        self.requests_per_kiosk = requests_per_kiosk
        self.seed = seed
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = self.home.parent / f"serve-{self.port}.log"
        self.made: dict = {}

    def env(self) -> dict:
        environment = {**os.environ, "CENTRAL_HOME": str(self.home), "PYTHONPATH": str(ROOT)}
        environment.pop("DATABASE_URL", None)
        return environment

    def _command(self) -> list[str]:
        script = Path(sys.executable).with_name("central-api")
        if script.exists():
            return [str(script)]
        return [sys.executable, "-m", "central_api.cli"]

    def prepare(self) -> None:
        """``central-api init`` and the demo data, before the server starts."""
        subprocess.run(
            [*self._command(), "init", "--municipality", str(PROFILE)],
            env=self.env(),
            check=True,
            capture_output=True,
            timeout=120,
        )
        if self.seed:
            from central_api.config import load_config
            from central_api.context import Central

            from .office_demo import seed

            central = Central.from_config(load_config(environ={}, CENTRAL_HOME=str(self.home)))
            try:
                self.made = seed(central.engine, central.document_signer, self.requests_per_kiosk)
            finally:
                central.dispose()

    def start(self, timeout: float = 40) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [*self._command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
                + ["--workers", "2"],
                env=self.env(),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"central-api serve exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"central-api serve not healthy in {timeout}s: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> DemoOffice:
        self.home.parent.mkdir(parents=True, exist_ok=True)
        self.prepare()
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()
        if self._temporary is not None:
            self._temporary.cleanup()


def launch_browser(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package.")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def sign_in(page, base_url: str, name: str, password: str, language: str = "bg") -> None:
    page.goto(f"{base_url}/office/sign-in")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_url("**/office/sign-in**")
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    page.locator("form[action$='/office/sign-in'] button[type=submit]").click()
    page.wait_for_load_state()


def _first_reference(office: DemoOffice, status: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{office.home / 'central.db'}")
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT reference FROM requests WHERE status = :s ORDER BY id LIMIT 1"),
                {"s": status},
            ).scalar()
    finally:
        engine.dispose()


def take(office: DemoOffice, outdir: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    outdir.mkdir(parents=True, exist_ok=True)
    asked = _first_reference(office, "needs_info")
    issued = _first_reference(office, "issued")
    received = _first_reference(office, "received")
    saved = []
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            for language in ("bg", "en"):
                saved += _take_language(browser, office, outdir, language, asked, issued, received)
        finally:
            browser.close()
    return saved


def _take_language(browser, office, outdir, language, asked, issued, received) -> list[Path]:
    saved = []
    base = office.base_url

    def shot(page, name: str) -> None:
        path = outdir / f"{name}-{language}.png"
        page.screenshot(path=str(path), full_page=True, timeout=30000)
        saved.append(path)

    locale = "bg-BG" if language == "bg" else "en-GB"
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(f"{base}/office/sign-in")
    if language == "en":
        page.get_by_role("button", name="English").click()
    shot(page, "sign-in")
    sign_in(page, base, "anna", "anna-pass-1")
    for name, path in (
        ("queue", "/office/queue"),
        ("request-received", f"/office/requests/{received}"),
        ("request-needs-info", f"/office/requests/{asked}"),
        ("request-issued", f"/office/requests/{issued}"),
        ("fleet", "/office/fleet"),
        ("staff", "/office/staff"),
        ("notices", "/office/notices"),
        ("reports", "/office/reports"),
    ):
        page.goto(base + path)
        shot(page, name)
    page.goto(f"{base}/office/fleet")
    page.locator("#invite-village").select_option("merdanya")
    page.locator("form[action$='/fleet/invite'] button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, "invite")
    context.close()
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    context.set_default_timeout(20000)
    page = context.new_page()
    sign_in(page, base, "petar", "petar-pass-1", language)
    page.goto(f"{base}/office/audit")
    shot(page, "audit")
    page.goto(f"{base}/office/fleet")
    shot(page, "forbidden")
    context.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m deploy.office_screenshots OUTDIR", file=sys.stderr)
        return 2
    outdir = Path(args[0])
    with DemoOffice() as office:
        saved = take(office, outdir)
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
