"""Fixtures for the clerks' web office: signed-in test clients per role, a kiosk with requests,
and for the browser tests a real ``central-api serve`` with the demo data and Debian's Chromium
driven by Playwright.

The test-client fixtures build on ``central_app`` (tests/fixtures_central), so they run against
SQLite and PostgreSQL; the browser ones run one demo server (SQLite) per test module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

OFFICE_USERS = {
    "clerk": ("maria", "maria-pass-1"),
    "admin": ("anna", "anna-pass-1"),
    "auditor": ("petar", "petar-pass-1"),
    "registrar": ("elena", "elena-pass-1"),
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class OfficeClient:
    """A Flask test client that signs in and sends every form with its CSRF token."""

    def __init__(self, client):
        self.client = client
        self.token = ""

    def refresh_token(self, path: str = "/office/sign-in") -> str:
        page = self.client.get(path)
        found = CSRF.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {path}"
        self.token = found.group(1)
        return self.token

    def sign_in(self, name: str, password: str):
        self.refresh_token()
        return self.client.post(
            "/office/sign-in",
            data={"csrf_token": self.token, "name": name, "password": password},
        )

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token or self.refresh_token())
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def office_users(central, municipality):
    """The office users (clerk maria, admin anna, auditor petar, registrar elena); the clerk
    and the admin are officials of the test's municipality."""
    from central_api.db import write
    from central_api.officials import add_official
    from central_api.users import add_user

    with write(central.engine) as conn:
        for role, (name, password) in OFFICE_USERS.items():
            add_user(conn, name, role, password)
        add_official(
            conn,
            user_name=OFFICE_USERS["clerk"][0],
            names="Мария Георгиева Петрова",
            title=f"Кмет на {municipality.official_name.bg}",
            order=None,
            services="all",
            by="admin:test",
        )
        add_official(
            conn,
            user_name=OFFICE_USERS["admin"][0],
            names="Анна Колева Димитрова",
            title=f"Заместник-кмет на {municipality.official_name.bg}",
            order="РД-09-3/04.01.2026",
            services="all",
            by="admin:test",
        )
    return OFFICE_USERS


@pytest.fixture
def office_client(central_app, office_users):
    """``office_client(role)``: a client signed in as that role; ``office_client(None)`` is an
    anonymous visitor (with a CSRF token, so refusals are about roles, not tokens)."""

    def make(role: str | None) -> OfficeClient:
        client = OfficeClient(central_app.test_client())
        if role is None:
            client.refresh_token()
            return client
        name, password = office_users[role]
        answer = client.sign_in(name, password)
        assert answer.status_code == 302, answer.get_data(as_text=True)
        client.refresh_token("/office/reports")
        return client

    return make


@pytest.fixture
def office_kiosk(central, villagers):
    """A kiosk enrolled in Джулюница with three requests (DZH1-00001..3) and a staff member;
    the requests are about the register's Иван Петров Димитров (fixtures_registers)."""
    import random

    from central_api.db import write
    from central_api.staff import add_staff
    from deploy.office_demo import enroll_kiosk, person_fields, submit

    rng = random.Random(3)
    with write(central.engine) as conn:
        kiosk = enroll_kiosk(conn, "dzhulyunitsa")
        staff_id = add_staff(conn, "dzhulyunitsa", "Донка Маринова", "482715", "admin:anna")
        references = [
            submit(
                conn,
                kiosk,
                n,
                "permanent-address-certificate",
                {**person_fields(rng), **REGISTERED},
                staff_id,
            )
            for n in (1, 2, 3)
        ]
    return {"kiosk": kiosk, "staff_id": staff_id, "references": references}


REGISTERED = {
    "first_name": "Иван",
    "middle_name": "Петров",
    "last_name": "Димитров",
    "personal_number_kind": "egn",
    "personal_number": "7523169263",
}


# -- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def office_demo(tmp_path_factory):
    """A real ``central-api serve`` on a free loopback port, with the demo office in it."""
    from deploy.office_screenshots import DemoOffice

    home = tmp_path_factory.mktemp("office-demo")
    with DemoOffice(home=home, requests_per_kiosk=8) as office:
        yield office


@pytest.fixture(scope="module")
def chromium(office_demo):
    """Debian's Chromium. It needs the demo seeded first: Playwright's sync API keeps an asyncio
    loop running in this thread, and the seeding signs PDFs with pyHanko's ``asyncio.run``."""
    from deploy.office_screenshots import CHROMIUM, launch_browser

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        yield browser
        browser.close()


@pytest.fixture
def office_page(chromium, office_demo):
    """``office_page(role, language="bg")``: a signed-in page at 1366x768; every wait bounded
    (10 s), and confirmation dialogs accepted as a clerk would."""
    from deploy.office_screenshots import VIEWPORT, sign_in

    contexts = []

    def make(role: str, language: str = "bg"):
        context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(10000)
        context.set_default_navigation_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        name, password = OFFICE_USERS[role]
        sign_in(page, office_demo.base_url, name, password, language)
        return page

    yield make
    for context in contexts:
        context.close()
