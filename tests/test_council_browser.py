"""The hall in real headless Chromium (Debian's) against a real ``central-api serve``: nine
councillors in separate browser contexts register and vote at once while the chair runs the
vote and the hall screen shows the result; screenshots of each page for docs/.

The screenshots are written to docs/screenshots/council/ (tracked), to be looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures_council import PASSWORD, build_council

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "council"
TABLET = {"width": 1024, "height": 768}
SCREEN = {"width": 1280, "height": 720}
VOTERS = 9  # quorum of 17


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """A served central with the council of 17 and an open session; yields (base_url, council)."""
    from central_api.config import load_config
    from central_api.context import Central
    from tests.fixtures_central import (
        LYASKOVETS_PROFILE,
        free_port,
        run_server,
        stop_server,
        wait_healthy,
    )

    home = tmp_path_factory.mktemp("council-hall") / "central"
    config = load_config(environ={}, CENTRAL_HOME=str(home))
    central = Central.from_config(config)
    central.initialise(LYASKOVETS_PROFILE)
    council = build_council(central)
    port = free_port()
    log = home.parent / "serve.log"
    process = run_server(
        {"CENTRAL_HOME": str(home), "DATABASE_URL": config["DATABASE_URL"]}, port, log, workers=2
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, process, log)
        yield base_url, council
    finally:
        stop_server(process)
        central.dispose()


@pytest.fixture(scope="module")
def browser(hall):
    from deploy.office_screenshots import CHROMIUM, launch_browser

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_browser(playwright)
        yield launched
        launched.close()


def _signed_in(browser, base_url: str, user: str, viewport=TABLET):
    from deploy.office_screenshots import sign_in

    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10000)
    page = context.new_page()
    sign_in(page, base_url, user, PASSWORD)
    return context, page


def test_nine_councillors_vote_at_once_and_the_hall_screen_shows_the_result(browser, hall):
    base_url, council = hall
    contexts = []
    try:
        screen_context = browser.new_context(viewport=SCREEN)
        contexts.append(screen_context)
        screen = screen_context.new_page()
        screen.goto(f"{base_url}/council/hall")
        chair_context, chair = _signed_in(
            browser, base_url, "chair", {"width": 1366, "height": 900}
        )
        contexts.append(chair_context)
        assert chair.url.endswith("/office/council/chair")
        tablets = []
        for index in range(VOTERS):
            context, page = _signed_in(browser, base_url, council.members[index]["user"])
            contexts.append(context)
            assert page.url.endswith("/office/council/tablet") or index == 0
            if index == 0:
                page.goto(f"{base_url}/office/council/tablet")  # the chair votes too
            tablets.append(page)
        for page in tablets:
            page.get_by_role("button", name="Register present").click()
        chair.get_by_text(f"Присъстват {VOTERS} от 17").wait_for()
        chair.get_by_text("има кворум").wait_for()

        # The ordinary item, open vote: six for, two against, one abstains, all at once.
        chair.locator(f'button[data-item="{council.items["ordinary"]}"]').click()
        choices = ["for"] * 6 + ["against"] * 2 + ["abstain"]
        for page in tablets:
            page.locator('#choices button[data-choice="for"]:not([disabled])').wait_for()
        for page, choice in zip(tablets, choices, strict=True):
            page.locator(f'#choices button[data-choice="{choice}"]').click(no_wait_after=True)
        for page, choice in zip(tablets, choices, strict=True):
            page.locator(f'#choices button.chosen[data-choice="{choice}"]').wait_for()
        screen.get_by_text(f"гласували {VOTERS} от {VOTERS}").wait_for()
        chair.get_by_text(f"Гласуват {VOTERS} от {VOTERS}").wait_for()
        tablets[1].screenshot(path=str(SHOTS / "tablet.png"))
        chair.screenshot(path=str(SHOTS / "chair.png"), full_page=True)
        chair.get_by_role("button", name="Close the vote").click()
        screen.locator(".verdict.passed").wait_for()
        assert screen.locator("#count-for").inner_text() == "6"
        assert screen.locator("#count-against").inner_text() == "2"
        assert screen.locator("#count-abstain").inner_text() == "1"
        # A vote after the close is refused on the tablet, in both languages.
        assert tablets[1].locator('#choices button[data-choice="against"]').is_disabled()

        # The budget, named vote: the screen names every councillor's vote after the close.
        chair.locator(f'button[data-item="{council.items["budget"]}"]').click()
        for page in tablets:
            page.locator('#choices button[data-choice="for"]:not([disabled])').wait_for()
        for page in tablets:
            page.locator('#choices button[data-choice="for"]').click(no_wait_after=True)
        chair.get_by_text(f"Гласуват {VOTERS} от {VOTERS}").wait_for()
        chair.get_by_role("button", name="Close the vote").click()
        screen.locator("#named li").first.wait_for()
        named = screen.locator("#named").inner_text()
        assert f"{council.members[0]['name']} — ЗА" in named
        assert f"{council.members[16]['name']} — отсъства" in named
        # 9 for of 17 is more than half of all: the budget passes.
        screen.locator(".verdict.passed").wait_for()
        screen.screenshot(path=str(SHOTS / "hall-screen.png"), full_page=True)
    finally:
        for context in contexts:
            context.close()


def test_the_public_decision_page_shows_the_vote_of_each_councillor(browser, hall):
    base_url, council = hall
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{base_url}/council/items/{council.items['budget']}")
        page.get_by_text("Решение № 2/2026").first.wait_for()
        row = page.locator("tr", has_text=council.members[3]["name"])
        assert "за / for" in row.inner_text()
        page.screenshot(path=str(SHOTS / "public-decision.png"), full_page=True)
    finally:
        context.close()
