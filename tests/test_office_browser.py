"""The office's main flows in real headless Chromium (Debian's), against a real
``central-api serve`` with the demo data: sign in, find a request, ask for information, approve
and issue, open the preview and the issued PDF, revoke a kiosk, publish a notice."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.slow


def _references(office_demo, status: str) -> list[str]:
    engine = create_engine(f"sqlite:///{office_demo.home / 'central.db'}")
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    text("SELECT reference FROM requests WHERE status = :s ORDER BY id DESC"),
                    {"s": status},
                ).scalars()
            )
    finally:
        engine.dispose()


def _reference(office_demo, status: str) -> str:
    engine = create_engine(f"sqlite:///{office_demo.home / 'central.db'}")
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT reference FROM requests WHERE status = :s ORDER BY id DESC LIMIT 1"),
                {"s": status},
            ).scalar()
    finally:
        engine.dispose()
    assert found, f"the demo has no {status} request"
    return found


def test_signing_in_with_the_keyboard_alone(chromium, office_demo):
    from deploy.office_screenshots import VIEWPORT

    context = chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(10000)
    try:
        page = context.new_page()
        page.goto(f"{office_demo.base_url}/office/sign-in")
        assert page.evaluate("document.activeElement.id") == "name"  # ready to type
        page.keyboard.type("maria")
        page.keyboard.press("Tab")
        page.keyboard.type("maria-pass-1")
        page.keyboard.press("Enter")
        page.wait_for_url("**/office/queue")
        assert page.get_by_role("heading", level=1).inner_text() == "Заявления за обработка"
        page.keyboard.press("Tab")  # the skip link comes first, then the navigation
        assert page.evaluate("document.activeElement.textContent").strip() == "Към съдържанието"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        assert focused == "q"  # past the navigation, into the search form
    finally:
        context.close()


def test_a_clerk_finds_a_request_and_asks_for_information(office_page, office_demo):
    reference = _reference(office_demo, "received")
    page = office_page("clerk")
    page.get_by_label("Търсене по номер или име").fill(reference)
    page.get_by_label("Търсене по номер или име").press("Enter")
    page.wait_for_url(re.compile(r".*q="))
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/office/requests/{reference}")
    page.get_by_label("Въпрос (ще се покаже в киоска)").fill("Моля, донесете акта за раждане.")
    page.get_by_role("button", name="Поискай информация").click()
    page.wait_for_load_state()
    assert "ще бъде изпратен" in page.locator(".flash").inner_text()
    assert page.locator("h1 .state").inner_text() == "нужна информация"
    assert "Моля, донесете акта за раждане." in page.locator("#main").inner_text()


def test_a_clerk_previews_approves_issues_and_opens_the_pdf(office_page, office_demo):
    page = office_page("clerk")
    # A request in review whose document central writes and the register lets through: its
    # page offers the draft (an in-person or attached service, or a blocked one, does not).
    for reference in _references(office_demo, "in_review"):
        page.goto(f"{office_demo.base_url}/office/requests/{reference}")
        preview_link = page.get_by_role("link", name="Преглед на проект на документа")
        if (
            preview_link.count()
            and page.get_by_role("button", name="Одобри и издай документа").is_enabled()
        ):
            break
    else:
        pytest.fail("the demo has no request in review that can be approved")
    preview = page.request.get(office_demo.base_url + preview_link.get_attribute("href"))
    assert preview.ok and preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF-") and b"/Sig" not in preview.body()
    page.get_by_role("button", name="Одобри и издай документа").click()
    page.wait_for_load_state()
    flash = page.locator(".flash").inner_text()
    number = re.search(r"Изх\. № (\d{4}-\d{6})", flash).group(1)
    assert page.locator("h1 .state").inner_text() == "издадено"
    document_link = page.get_by_role("link", name=f"Изх. № {number}")
    issued = page.request.get(office_demo.base_url + document_link.get_attribute("href"))
    assert issued.ok and issued.body().startswith(b"%PDF-") and b"/Sig" in issued.body()
    verified = page.request.get(f"{office_demo.base_url}/verify/{number}")
    assert verified.json()["status"] == "valid"


def test_an_administrator_revokes_a_kiosk(office_page, office_demo):
    page = office_page("admin")
    page.goto(f"{office_demo.base_url}/office/fleet")
    row = page.locator("#kiosk-kozarevets-1")
    row.get_by_label("Причина за анулиране на kozarevets-1").fill("Сменен хардуер")
    row.get_by_role("button", name="Анулирай киоск kozarevets-1").click()  # confirm accepted
    page.wait_for_load_state()
    assert "Киоск kozarevets-1 е анулиран." in page.locator(".flash").inner_text()
    row = page.locator("#kiosk-kozarevets-1")
    assert "анулиран" in row.inner_text() and "Сменен хардуер" in row.inner_text()
    assert row.get_by_role("button").count() == 0


def test_an_administrator_publishes_a_notice_with_a_pdf(office_page, office_demo, tmp_path):
    attachment = tmp_path / "reshenie.pdf"
    attachment.write_bytes("%PDF-1.4\n% Решение\n%%EOF\n".encode())
    page = office_page("admin")
    page.goto(f"{office_demo.base_url}/office/notices")
    page.get_by_label("Вид").select_option("announcement")
    page.get_by_label("Дата").fill("2026-12-01")
    page.get_by_label("Заглавие", exact=True).fill("Спиране на водата в Драгижево")
    page.get_by_label("Текст", exact=True).fill("На 2 декември от 9 до 15 ч.")
    page.get_by_label("PDF файл (по желание, до 5 MB)").set_input_files(str(attachment))
    page.get_by_role("button", name="Публикувай във всички киоски").click()
    page.wait_for_load_state()
    assert "публикувано" in page.locator(".flash").inner_text()
    notice = page.locator("article.notice").first
    assert "Спиране на водата в Драгижево" in notice.inner_text()
    href = notice.get_by_role("link").get_attribute("href")
    assert page.request.get(office_demo.base_url + href).body() == attachment.read_bytes()


def test_the_office_switches_to_english_and_the_auditor_sees_an_intact_chain(office_page):
    page = office_page("auditor", language="en")
    assert page.get_by_role("heading", level=1).inner_text() == "Audit log"
    assert "The chain is intact." in page.locator(".chain").inner_text()
    page.get_by_label("Action").select_option("office.signed_in")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    actions = page.locator("table.audit tbody tr td:nth-child(4)").all_inner_texts()
    assert actions and set(actions) == {"office.signed_in"}
