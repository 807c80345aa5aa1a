"""``python -m tests.make_review_screenshots OUTDIR``: the review grounded in the register, as
people see it: the request page with the register panel (differences, heirs tree) at 1366x768
in Bulgarian, and the issued certificates (address, heirs, local tax) and a written refusal
rendered to PNG with pdftoppm. Uses the tests' register (tests/fixtures_registers.py), a real
``central-api serve`` on loopback and Debian's Chromium.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from central_api.office.screenshots import VIEWPORT, DemoOffice, launch_browser, sign_in

from central_api import decisions, officials, review, users
from central_api.config import load_config
from central_api.context import Central
from central_api.db import read, write
from central_api.workflow import get_request
from deploy.office_demo import enroll_kiosk, submit
from tests.fixtures_central import VALID_EGN
from tests.fixtures_registers import import_register

CLERK, PASSWORD = "maria", "maria-pass-1"
BASE = {"phone": "+359888123456"}


def prepare(home: Path) -> dict:
    """A central home with the register, a clerk who is an official, and five requests."""
    central = Central.from_config(load_config(environ={}, CENTRAL_HOME=str(home)))
    central.initialise()
    try:
        with write(central.engine) as conn:
            users.add_user(conn, CLERK, "clerk", PASSWORD)
            officials.add_official(
                conn, user_name=CLERK, names="Мария Георгиева Петрова",
                title="Кмет на кметство Джулюница", order="РД-09-112/05.01.2026",
                services="all", by="admin:screenshots",
            )  # fmt: skip
        villagers = import_register(central.engine)
        with write(central.engine) as conn:
            kiosk = enroll_kiosk(conn, "dzhulyunitsa")
            applicant = {"first_name": "Иван", "middle_name": "Петров", "last_name": "Димитров"}
            georgi = {"first_name": "Георги", "middle_name": "Петров", "last_name": "Колев"}
            heirs = {**georgi, "personal_number_kind": "egn", "personal_number": villagers.son, "deceased_egn": villagers.deceased,
                     "relation_to_deceased": "child"}  # fmt: skip
            made = {
                "address": submit(conn, kiosk, 1, "permanent-address-certificate",
                                  {**BASE, **applicant, "personal_number_kind": "egn", "personal_number": VALID_EGN}),
                "heirs": submit(conn, kiosk, 2, "heirs-certificate", {**BASE, **heirs}),
                "tax": submit(conn, kiosk, 3, "local-tax-debts-certificate",
                              {**BASE, **applicant, "personal_number_kind": "egn",
                               "personal_number": VALID_EGN, "debts_for": "all"}),
                "refusal": submit(conn, kiosk, 4, "permanent-address-certificate",
                                  {**BASE, **applicant, "personal_number_kind": "egn", "personal_number": VALID_EGN}),
                # left for review: a typed name that differs, and an heirs tree to confirm
                "review": submit(conn, kiosk, 5, "permanent-address-certificate",
                                 {**BASE, **applicant, "first_name": "Иванчо", "personal_number_kind": "egn", "personal_number": VALID_EGN}),
                "review-heirs": submit(conn, kiosk, 6, "heirs-certificate", {**BASE, **heirs}),
                "blocked": submit(conn, kiosk, 7, "permanent-address-certificate",
                                  {**BASE, "first_name": "Стоян", "middle_name": "Минчев",
                                   "last_name": "Стоянов", "personal_number_kind": "egn", "personal_number": villagers.dead_applicant}),
            }  # fmt: skip
        numbers = {}
        with central.open_signer() as signer:
            for name in ("address", "heirs", "tax"):
                with read(central.engine) as conn:
                    found = review.review_request(conn, get_request(conn, made[name]))
                _, document = decisions.approve(
                    central.engine, made[name], CLERK, signer=signer,
                    confirmed_heirs=review.heirs_digest(found),
                )  # fmt: skip
                numbers[name] = document["number"]
            _, refused = decisions.reject(
                central.engine, made["refusal"],
                "Лицето не живее на посочения адрес; регистърът сочи друг постоянен адрес.",
                CLERK, signer=signer,
            )  # fmt: skip
            numbers["refusal"] = refused["number"]
        return {"references": made, "numbers": numbers, "engine": central.engine}
    finally:
        pass


def document_pngs(home: Path, numbers: dict, outdir: Path) -> list[Path]:
    from sqlalchemy import create_engine, select

    from central_api.db.schema import documents

    engine = create_engine(f"sqlite:///{home / 'central.db'}")
    saved = []
    try:
        with engine.connect() as conn:
            for name, number in numbers.items():
                pdf = conn.execute(
                    select(documents.c.pdf).where(documents.c.number == number)
                ).scalar_one()
                with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
                    handle.write(pdf)
                    handle.flush()
                    target = outdir / f"certificate-{name}"
                    subprocess.run(
                        ["pdftoppm", "-r", "80", "-png", "-singlefile", handle.name, str(target)],
                        check=True,
                    )
                saved.append(target.with_suffix(".png"))
    finally:
        engine.dispose()
    return saved


def page_pngs(office: DemoOffice, references: dict, outdir: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="bg-BG")
            context.set_default_timeout(20000)
            page = context.new_page()
            sign_in(page, office.base_url, CLERK, PASSWORD)
            for name in ("review", "review-heirs", "blocked"):
                page.goto(f"{office.base_url}/office/requests/{references[name]}")
                path = outdir / f"{name.replace('review', 'request-review')}-bg.png"
                page.screenshot(path=str(path), full_page=True, timeout=30000)
                saved.append(path)
            context.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.make_review_screenshots OUTDIR", file=sys.stderr)
        return 2
    outdir = Path(args[0])
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="review-shots-") as root:
        office = DemoOffice(home=Path(root), seed=False)
        made = prepare(office.home)
        made["engine"].dispose()
        saved = document_pngs(office.home, made["numbers"], outdir)
        with office:
            saved += page_pngs(office, made["references"], outdir)
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
