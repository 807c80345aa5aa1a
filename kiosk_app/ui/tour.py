"""The screenshot tour: drive the window through every screen and save each as a PNG.

Screens are reached the way a villager reaches them where that is cheap (taps, the PIN pad, the
worker answering); states that need days of real life (a document that has arrived, a status
with a clerk's question) are shown by handing the screen the answer the worker would give.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QPoint, QRect, QThread
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea

from sync import wording

from ..speech import speakable
from .context import UiSettings
from .narrator import reading
from .session import StaffConfirmation

SAMPLE_VALUES = {
    "text": "Иван Петров",
    "textarea": "За представяне пред банка.",
    "egn": "7523169263",
    "lnch": "1001000000",
    "personal_number": "7523169263",
    "date": "01.02.1950",
    "phone": "0888123456",
    "email": "",
    "integer": "1",
}


SAMPLE_ANSWER = "Вторият наследник е Петър Иванов, син на починалия. Живее в София."


def settle(app, bridge, timeout_s: float = 15.0) -> None:
    """Let the worker finish what it was asked and the window redraw."""
    deadline = time.monotonic() + timeout_s
    app.processEvents()
    while bridge.busy and time.monotonic() < deadline:
        app.processEvents()
        QThread.msleep(5)
    app.processEvents()


# A purpose reads like one ("Да послужи пред: банка"), not like a name.
SAMPLE_BY_NAME = {"purpose": "банка"}


def sample_answers(service: dict) -> dict:
    answers = {}
    for field in service.get("fields") or []:
        kind = field.get("type", "text")
        if field["name"] in SAMPLE_BY_NAME:
            value = SAMPLE_BY_NAME[field["name"]]
        elif kind == "choice":
            value = field["options"][0]["value"]
        elif kind == "boolean":
            value = "false"
        else:
            value = SAMPLE_VALUES.get(kind, "")
        answers[field["name"]] = value
    for field in service.get("fields") or []:
        if field.get("type") == "personal_number":
            answers[f"{field['name']}_kind"] = "egn"
    return answers


def tour_settings(height: int, village_name: dict) -> UiSettings:
    """Timeouts the tour never reaches, and the page size of a screen ``height`` pixels high."""
    return UiSettings(
        idle_warn_s=3600,
        idle_timeout_s=7200,
        done_return_s=3600,
        fields_per_page=3 if height >= 1000 else 1,
        village_name=village_name,
    )


def lost_buttons(window) -> list[str]:
    """The buttons of the screen shown (and of the idle warning) that do not fit: outside the
    window's width (or its height, unless the screen's body scrolls), or squeezed narrower or
    lower than their text. A button in a list must lie within the list's width; scrolled up or
    down out of sight it is not lost."""
    roots = [window.current] + ([window.overlay] if window.overlay.isVisible() else [])
    lost = []
    for root in roots:
        for button in root.findChildren(QAbstractButton):
            if not button.isVisible():
                continue
            rect = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
            area = window.rect()
            for scroller in _scroll_areas(button, root):  # they scroll up and down, never sideways
                view = scroller.viewport()
                left = view.mapTo(window, QPoint(0, 0)).x()
                right = min(area.right(), left + view.width() - 1)
                left = max(area.left(), left)
                area = QRect(QPoint(left, rect.top()), QPoint(right, rect.bottom()))
            metrics = button.fontMetrics()
            lines = button.text().split("\n")
            if (
                not area.contains(rect)
                or max(metrics.horizontalAdvance(line) for line in lines) > button.width()
                or metrics.height() * len(lines) > button.height()
            ):
                lost.append(button.text() or button.objectName())
    return lost


def _scroll_areas(widget, root) -> list:
    areas, parent = [], widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea):
            areas.append(parent)
        parent = parent.parentWidget()
    return areas


# Who the request is for, as the steps table counts it (a service without the choice is counted
# once, as "for me").
FOR_WHOM = ("self", "other")


def count_steps(app, window, bridge, service: dict, for_whom: str) -> list[str]:
    """The screens a villager passes for ``service`` from the first form page to "Изпрати":
    the privacy notice, each form page (named by its first field), the staff confirmation and
    the review, driven by "Напред" with the tour's sample answers and "no staff here". Empty
    when the service does not ask ``for_whom``."""
    names = {field["name"] for field in service.get("fields") or []}
    if for_whom != "self" and "for_whom" not in names:
        return []
    window.wipe_session(reset_language=False)
    ctx = window.ctx
    ctx.session.service = service
    answers = sample_answers(service)
    if "for_whom" in names:
        answers["for_whom"] = for_whom
    seen: list[str] = []
    window.show_screen("form")  # the privacy notice comes first
    settle(app, bridge)
    if window.current.name == "privacy":
        seen.append("privacy")
        window.current.on_continue_clicked()
        settle(app, bridge)
    form = window.screens["form"]
    for _ in range(len(service.get("fields") or []) + 1):  # bounded: one page per field at most
        if window.current is not form:
            break
        seen.append("form:" + form._page_key(form._page_index))
        for editor in form._editors:
            editor.set_value(answers.get(editor.name, ""))
            form.on_field_edited(editor.name)
        form.on_next_clicked()
        settle(app, bridge)
    if window.current.name == "staff_confirm":
        seen.append("staff_confirm")
        window.current.on_skip_clicked()
        settle(app, bridge)
    if window.current.name == "review":
        seen.append("review")
    window.wipe_session(reset_language=False)
    return seen


def steps_table(app, window, bridge, services: list[dict]) -> dict[str, dict[str, int]]:
    """For each service (by its Bulgarian name), the number of screens "for me" and "for
    another" (0 when the service does not ask it) on this window's size."""
    return {
        service["name"]["bg"]: {
            who: len(count_steps(app, window, bridge, service, who)) for who in FOR_WHOM
        }
        for service in services
    }


def steps_markdown(tables: dict[tuple[int, int], dict[str, dict[str, int]]]) -> str:
    """The steps table of docs/kiosk.md from :func:`steps_table` at each size."""
    sizes = sorted(tables, reverse=True)
    head = [f"for me, {w}×{h}" for w, h in sizes] + [f"for another, {w}×{h}" for w, h in sizes]
    lines = ["| service | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for name in tables[sizes[0]]:
        cells = [tables[size][name][who] for who in FOR_WHOM for size in sizes]
        lines.append(f"| {name} | " + " | ".join(str(n) if n else "—" for n in cells) + " |")
    return "\n".join(lines) + "\n"


def tour_passes(height: int) -> list[tuple[str, bool, bool]]:
    """(language, speech on, large text) of each pass: Bulgarian with speech on (the speech
    controls are in the shots), English as it first looks, and at 1280x800 Bulgarian in large
    text with speech on, the tightest fit."""
    passes = [("bg", True, False), ("en", False, False)]
    return passes + ([("bg", True, True)] if height < 1000 else [])


def run_tour(
    app, window, bridge, outdir: Path, width: int, height: int, *, pin: str, lost=None, steps=None
) -> list[Path]:
    """Drive ``window`` (built by :func:`kiosk_app.gui.build_window` over the worker ``bridge``,
    with a recording voice) through every screen; closes it and stops the bridge at the end.
    Beside each PNG a .txt holds what that screen says with speech on; ``lost`` (a dict) gets
    the buttons that did not fit, by shot; ``steps`` (a dict) gets this size's
    :func:`steps_table` under ``(width, height)``."""
    window.resize(width, height)
    window.show()
    written: list[Path] = []
    ctx = window.ctx
    speech, large = False, False

    def shot(number: int, name: str) -> None:
        settle(app, bridge)
        suffix = "-large" if large else ""
        path = outdir / f"{width}x{height}" / f"{number:02d}-{name}-{ctx.tr.language}{suffix}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(path))
        root = window.overlay if window.overlay.isVisible() else window.current
        said = speakable(reading(root, ctx.tr), ctx.tr.language)
        path.with_suffix(".txt").write_text(said + "\n", encoding="utf-8")
        written.append(path)
        body = getattr(window.current, "body_scroll", None)
        if large and body is not None and not window.overlay.isVisible():
            # Large text: the body scrolls under the header; the rest of it in a second shot.
            bar = body.verticalScrollBar()
            if bar.maximum() > 0:
                bar.setValue(bar.maximum())
                app.processEvents()
                end = path.with_name(f"{path.stem}-end.png")
                window.grab().save(str(end))
                written.append(end)
                bar.setValue(0)
                app.processEvents()
        if lost is not None and (cut := lost_buttons(window)):
            lost[f"{path.parent.name}/{path.name}"] = cut

    def fresh(**options) -> None:
        """A new visit, with this pass's speech and text size chosen again."""
        window.wipe_session(**options)
        ctx.narrator.set_enabled(speech)
        ctx.text_size.set_large(large)

    try:
        if steps is not None:
            window.show_screen("services")
            settle(app, bridge)
            services = window.screens["services"]._services
            steps[(width, height)] = steps_table(app, window, bridge, services)
        for language, speech, large in tour_passes(height):  # noqa: B007 - fresh() reads them
            fresh()
            ctx.tr.set_language(language)
            window.show_screen("welcome")
            shot(1, "welcome")
            window.show_screen("services")
            shot(2, "services")
            services_list = window.screens["services"]._services
            if services_list:
                service = services_list[0]
                ctx.session.service = service
                window.show_screen("form")  # the privacy notice comes first
                shot(20, "privacy")
                ctx.session.privacy_told = True
                window.show_screen("form")
                form = window.screens["form"]
                editors = [e for e in form._editors if e.line_edit is not None]
                if editors:
                    editors[0].line_edit.setText(SAMPLE_VALUES["text"].split()[0])
                    form.on_field_edited(editors[0].name)
                form.on_next_clicked()
                form.on_next_clicked()  # an empty required answer: shows how it is explained
                shot(4, "form-errors")
                ctx.session.fields = sample_answers(service)
                form._show_page(form._page_index)
                shot(5, "form-filled")
                form._show_page(len(form._pages) - 1)  # the last questions: purpose, contact
                shot(23, "form-last")
            window.show_screen("staff_confirm")
            shot(6, "staff-pin")
            confirm = window.screens["staff_confirm"]
            confirm.pinpad.enter_pin(pin)
            settle(app, bridge)
            confirm.id_number.setText("645123987")
            confirm.fee_buttons["paid"].click()
            confirm.receipt_number.setText("0001234")
            shot(7, "staff-details")
            if "for_whom" in ctx.session.fields:  # for another person: what staff checked
                ctx.session.fields["for_whom"] = "other"
                confirm.on_continue_clicked()
                confirm.auth_buttons["power_of_attorney"].click()
                confirm.auth_number.setText("1234 от 01.11.2026")
                confirm.auth_by.setText("нотариус Д. Петков, рег. № 123")
                shot(24, "staff-authorisation")
                ctx.session.fields["for_whom"] = "self"
            ctx.session.staff = StaffConfirmation(
                "staff-1",
                "Мария Петрова",
                "645123987",
                {"status": "paid", "receipt_number": "0001234"},
            )
            if ctx.session.service is not None:
                window.show_screen("review")
                shot(8, "review")
            done = window.screens["done"]
            ctx.session.reference = "DZH1-00042"
            window.stack.setCurrentWidget(done)
            done.reference.setText(ctx.session.reference)
            done.on_check_code("482107")
            village = ctx.settings.village_name or {}
            done.on_receipt_printed(
                {
                    "expected_date": "2026-11-30",
                    "slip": {
                        language: {
                            "village": village.get(language) or village.get("bg", ""),
                            "fee": wording.money(2.56, language),
                            "issued_at": "27.11.2026 10:15",
                        }
                        for language in ("bg", "en")
                    },
                }
            )
            shot(9, "done")
            window.show_screen("status")
            status = window.screens["status"]
            status.reference.setText("DZH1-00042")
            status.code.setText("482107")
            status.on_status_found(
                SimpleNamespace(
                    reference="DZH1-00042",
                    status="printed",
                    question=None,
                    document_ready=True,
                )
            )
            shot(10, "status-ready")
            status.reference.setText("DZH1-00017")
            status.code.setText("730915")
            status.on_status_found(
                SimpleNamespace(
                    reference="DZH1-00017",
                    status="needs_info",
                    question="Кой е вторият наследник? / Who is the second heir?",
                    document_ready=False,
                )
            )
            shot(11, "status-question")
            status.on_answer_clicked()
            shot(16, "status-answer-pin")
            status.on_pin_accepted({"staff_id": "staff-1", "name": "Мария Петрова"})
            status.answer.insert(SAMPLE_ANSWER)
            shot(17, "status-answer")
            status.answer.clear()
            status.on_send_clicked()  # nothing typed: shows how it is explained
            shot(18, "status-answer-empty")
            status.on_answer_sent(
                SimpleNamespace(
                    reference="DZH1-00017",
                    status="in_review",
                    question=None,
                    document_ready=False,
                )
            )
            shot(19, "status-answer-sent")
            fresh(reset_language=False)
            window.show_screen("notices")
            shot(12, "notices")
            notices = window.screens["notices"]._notices
            with_pdf = [notice for notice in notices if notice.get("pdf")]
            if with_pdf:
                ctx.session.notice = with_pdf[0]
                window.show_screen("notice_pdf")
                settle(app, bridge)
                window.screens["notice_pdf"].next_button.click()
                shot(21, "notice-pdf")
            fresh(reset_language=False)
            window.show_screen("staff_panel")
            shot(13, "staff-panel-pin")
            panel = window.screens["staff_panel"]
            panel.pinpad.enter_pin(pin)
            settle(app, bridge)
            panel.on_overview(
                {
                    "queue": {
                        "queue_depth": 3,
                        "oldest_unsent_at": "2026-11-25T07:40:00+00:00",
                        "last_exchange": {"at": "2026-11-25T07:30:00+00:00", "ok": False},
                    },
                    "ready": [
                        {"reference": "DZH1-00031", "number": "94-00-17/2026", "fee_status": "due"},
                        {
                            "reference": "DZH1-00035",
                            "number": "94-00-21/2026",
                            "fee_status": "paid",
                        },
                    ],
                    "printer": {"state": "ready"},
                    "personal_data": {"with_personal_data": 7, "retention_days": 30},
                    "handed_over": [
                        {
                            "reference": "DZH1-00029",
                            "numbers": ["94-00-15/2026"],
                            "at": "2026-11-25T07:20:00+00:00",
                            "reported": False,
                        },
                        {
                            "reference": "DZH1-00024",
                            "numbers": ["94-00-11/2026"],
                            "at": "2026-11-24T14:05:00+00:00",
                            "reported": True,
                        },
                    ],
                }
            )
            panel.progress.setValue(40)
            panel.progress.show()
            panel._say(ctx.tr.t("staff.export_to_usb_running"))
            shot(14, "staff-panel")
            window.show_screen("welcome")
            window.show_screen("services")
            settle(app, bridge)
            window.overlay.show_seconds(30)
            shot(15, "idle-warning")
            window.overlay.hide()
    finally:
        window.close()
        bridge.shutdown()
        window.deleteLater()
        app.processEvents()
    return written
