"""The staff panel (behind a PIN): the kiosk's health, documents to hand over, and the USB stick.

Every action runs on the worker; the panel shows a progress bar for exports and imports and stays
responsive while an exchange with central is slow.

"Платено" asks for the cash-receipt number (an empty one is refused, with the amount shown);
"Предаден" asks to confirm the hand-over, and for a request made without staff also for the
number of the identity card checked now, which goes to central with the hand-over. A recent
hand-over can be taken back ("Отмени предаването") while its record still waits in the outbox;
once sent, the row says it was reported and whom to ask (kiosk_app/handover.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..errors import describe, staff_detail
from ..fields import TouchLineEdit
from ..keyboard import OnScreenKeyboard
from ..pinpad import PinPad
from ..widgets import Screen, button, card, clear_layout, label, restyle, touch_scrolling
from ..wrap import WrapRow

FACTS = (
    "connection",
    "last_exchange",
    "queue_depth",
    "oldest_unsent",
    "printer",
    "personal_data",
)
PIN, DASHBOARD, PAYMENT, HANDOVER = range(4)


class StaffPanelScreen(Screen):
    name = "staff_panel"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.staff: dict | None = None
        self.overview: dict | None = None
        self._paying: str | None = None
        self._handing_over: dict | None = None
        self.stages = QStackedWidget()
        self.pinpad = PinPad(ctx.tr)
        self.pinpad.submitted.connect(self.on_pin_submitted)
        pin_page = QWidget()
        QVBoxLayout(pin_page).addWidget(self.pinpad, 1, Qt.AlignmentFlag.AlignHCenter)
        self.stages.addWidget(pin_page)
        self.stages.addWidget(self._build_dashboard())
        self.stages.addWidget(self._build_payment_page())
        self.stages.addWidget(self._build_handover_page())
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(24, 12, 24, 8)
        layout.addWidget(self.stages)
        self.retranslate()

    def _build_dashboard(self) -> QWidget:
        page = QWidget()
        facts = card()
        self.facts_grid = QGridLayout(facts)
        self.facts_grid.setContentsMargins(20, 10, 20, 10)
        self.fact_titles, self.fact_values = {}, {}
        for fact in FACTS:
            self.fact_titles[fact] = label("subtle")
            self.fact_values[fact] = label()
            self.fact_values[fact].setObjectName(f"fact-{fact}")
        self._place_facts(self.ctx.text_size.large)
        self.ctx.text_size.changed.connect(self._place_facts)
        self.ready_title = label("title")
        self.ready_holder = QWidget()
        self.ready_layout = QVBoxLayout(self.ready_holder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.ready_holder)
        touch_scrolling(scroll)
        self.sync_button = button()
        self.sync_button.clicked.connect(self.on_sync_clicked)
        self.export_button = button()
        self.export_button.clicked.connect(
            lambda: self._usb(self.ctx.app.export_to_usb, "staff.export_to_usb_running")
        )
        self.import_button = button()
        self.import_button.clicked.connect(
            lambda: self._usb(self.ctx.app.import_from_usb, "staff.import_from_usb_running")
        )
        self.refresh_button = button()
        self.refresh_button.clicked.connect(self.refresh)
        self.progress = QProgressBar()
        self.progress.hide()
        self.message = label("notice")
        self.message.setObjectName("staff-message")
        self.message.hide()
        self.clock_warning = label("notice")  # the kiosk's clock is off from central's
        self.clock_warning.setObjectName("staff-clock-warning")
        self.clock_warning.hide()
        actions = WrapRow(spacing=8)  # two lines in large text
        for widget in (
            self.sync_button,
            self.export_button,
            self.import_button,
            self.refresh_button,
        ):
            actions.add(widget)
        layout = QVBoxLayout(page)
        layout.setSpacing(10)
        layout.addWidget(facts)
        layout.addWidget(self.clock_warning)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.ready_title)
        layout.addWidget(scroll, 1)
        return page

    def _place_facts(self, large: bool) -> None:
        """Two facts a line, or in large text one, so that a long word ("приключването") is not
        cut at the glass's edge."""
        per_line = 1 if large else 2
        for index, fact in enumerate(FACTS):
            line, column = divmod(index, per_line)
            self.facts_grid.addWidget(self.fact_titles[fact], line, column * 2)
            self.facts_grid.addWidget(self.fact_values[fact], line, column * 2 + 1)
        for column in range(4):
            self.facts_grid.setColumnStretch(column, 0)
        for column in range(1, per_line * 2, 2):
            self.facts_grid.setColumnStretch(column, 1)  # the values take the width left

    def _build_payment_page(self) -> QWidget:
        page = QWidget()
        self.payment_title = label("title")
        self.payment_receipt = TouchLineEdit()
        self.payment_receipt.setObjectName("input-payment-receipt")
        self.payment_confirm = button("primary")
        self.payment_confirm.clicked.connect(self.on_payment_confirmed)
        self.payment_cancel = button()
        self.payment_cancel.clicked.connect(lambda: self.stages.setCurrentIndex(DASHBOARD))
        self.payment_problem = label("error")
        self.payment_problem.setObjectName("payment-problem")
        self.payment_problem.hide()
        self.payment_receipt.textEdited.connect(lambda _text: self.payment_problem.hide())
        self.payment_keyboard = OnScreenKeyboard(self.tr)
        self.payment_keyboard.set_target(self.payment_receipt, auto_capitals=False)
        row = QHBoxLayout()
        row.addWidget(self.payment_cancel)
        row.addStretch(1)
        row.addWidget(self.payment_confirm)
        layout = QVBoxLayout(page)
        layout.addWidget(self.payment_title)
        layout.addWidget(self.payment_receipt)
        layout.addWidget(self.payment_problem)
        layout.addLayout(row)
        layout.addStretch(1)
        layout.addWidget(self.payment_keyboard)
        return page

    def _build_handover_page(self) -> QWidget:
        page = QWidget()
        self.handover_title = label("title")
        self.handover_text = label()
        self.handover_id_label = label()
        self.handover_id = TouchLineEdit()
        self.handover_id.setObjectName("input-handover-id")
        self.handover_id.setMaxLength(20)
        self.handover_problem = label("error")
        self.handover_problem.setObjectName("handover-problem")
        self.handover_problem.hide()
        self.handover_id.textEdited.connect(lambda _text: self._show_handover_problem(None))
        self.handover_confirm = button("primary")
        self.handover_confirm.setObjectName("handover-confirm")
        self.handover_confirm.clicked.connect(self.on_handover_confirmed)
        self.handover_cancel = button()
        self.handover_cancel.clicked.connect(lambda: self.stages.setCurrentIndex(DASHBOARD))
        self.handover_keyboard = OnScreenKeyboard(self.tr)
        self.handover_keyboard.set_target(self.handover_id, auto_capitals=False)
        row = QHBoxLayout()
        row.addWidget(self.handover_cancel)
        row.addStretch(1)
        row.addWidget(self.handover_confirm)
        layout = QVBoxLayout(page)
        for widget in (
            self.handover_title,
            self.handover_text,
            self.handover_id_label,
            self.handover_id,
            self.handover_problem,
        ):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addStretch(1)
        layout.addWidget(self.handover_keyboard)
        return page

    # -- hooks ----------------------------------------------------------------------------

    def enter(self) -> None:
        if self.staff is None:
            self.stages.setCurrentIndex(0)
            self.pinpad.clear()
            self.pinpad.set_locked(False)

    def wipe(self) -> None:
        self.staff = None
        self.overview = None
        self._paying = None
        self._handing_over = None
        self.handover_id.clear()
        self.payment_receipt.clear()
        self.pinpad.clear()
        self.pinpad.set_locked(False)
        self.message.hide()
        self.progress.hide()
        self.stages.setCurrentIndex(0)

    # -- slots ----------------------------------------------------------------------------

    def on_pin_submitted(self, pin: str) -> None:
        self.pinpad.check(
            self.ctx.bridge, pin, self.on_pin_accepted, lambda error: describe(self.tr, error)
        )

    def on_pin_accepted(self, staff: dict) -> None:
        self.staff = dict(staff)
        self.pinpad.set_locked(False)
        self.stages.setCurrentIndex(DASHBOARD)
        self.refresh()

    def refresh(self) -> None:
        self.ctx.bridge.call(
            self.ctx.app.staff_overview, on_done=self.on_overview, on_error=self.on_action_failed
        )

    def on_overview(self, overview: dict) -> None:
        self.overview = overview
        self._show_overview()

    def on_sync_clicked(self) -> None:
        self._say(self.tr.t("staff.syncing"))
        self.sync_button.setEnabled(False)
        self.ctx.bridge.call(
            self.ctx.app.sync_now, on_done=self.on_synced, on_error=self.on_action_failed
        )

    def on_synced(self, _report) -> None:
        self.sync_button.setEnabled(True)
        self._say(self.tr.t("staff.synced"))
        self.refresh()

    def on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def on_usb_done(self, result: dict) -> None:
        self.progress.setValue(self.progress.maximum())
        self._set_usb_enabled(True)
        result = result or {}
        said = self.tr.t("staff.usb_done", files=self.tr.count(result.get("count", 0), "file"))
        if result.get("heal"):  # a restored central lost some of it: the next trip carries it
            documents = self.tr.count(result.get("documents_asked", 0), "document")
            said += " " + self.tr.t("staff.usb_heal", documents=documents)
        self._say(said)
        self.refresh()

    def on_action_failed(self, error: Exception) -> None:
        self.sync_button.setEnabled(True)
        self._set_usb_enabled(True)
        self.progress.hide()
        self._say(staff_detail(self.tr, error))

    def on_deliver_clicked(self, document: dict) -> None:
        """Ask first. A request made without staff also needs the identity card's number."""
        self._handing_over = dict(document)
        self.handover_id.clear()
        self._show_handover_problem(None)
        needs_id = not document.get("identity_checked", True)
        for widget in (self.handover_id_label, self.handover_id, self.handover_keyboard):
            widget.setVisible(needs_id)
        self.handover_keyboard.set_mode("digits")
        self._retitle_handover()
        self.stages.setCurrentIndex(HANDOVER)

    def on_handover_confirmed(self) -> None:
        document = self._handing_over
        if document is None:
            return
        needs_id = not document.get("identity_checked", True)
        number = self.handover_id.text().strip().upper()
        if needs_id and (len(number) < 6 or not number.isalnum()):
            self._show_handover_problem(self.tr.t("staff.handover_need_id"))
            return
        reference, self._handing_over = document["reference"], None
        self.stages.setCurrentIndex(DASHBOARD)
        self.ctx.bridge.call(
            self.ctx.app.mark_delivered,
            reference,
            self.staff["staff_id"],
            number if needs_id else None,
            on_done=lambda _r: self._after(self.tr.t("staff.delivered", reference=reference)),
            on_error=self.on_action_failed,
        )

    def on_form_filed_clicked(self, reference: str) -> None:
        self.ctx.bridge.call(
            self.ctx.app.record_form_filed,
            reference,
            self.staff["staff_id"],
            on_done=lambda _r: self._after(self.tr.t("staff.form_filed_done", reference=reference)),
            on_error=self.on_action_failed,
        )

    def _show_handover_problem(self, text: str | None) -> None:
        self.handover_problem.setText(text or "")
        self.handover_problem.setVisible(bool(text))
        self.handover_id.setProperty("invalid", bool(text))
        restyle(self.handover_id)

    def _retitle_handover(self) -> None:
        document, t = self._handing_over, self.tr.t
        if document is None:
            return
        self.handover_title.setText(t("staff.handover_title", reference=document["reference"]))
        self.handover_text.setText(t("staff.handover_text", number=document["number"]))

    def on_reprint_clicked(self, reference: str) -> None:
        self.ctx.bridge.call(
            self.ctx.app.reprint_document,
            reference,
            on_done=lambda _r: self._after(self.tr.t("staff.reprinted", reference=reference)),
            on_error=self.on_action_failed,
        )

    def on_pay_clicked(self, document: dict) -> None:
        self._paying = document["reference"]
        self.payment_receipt.clear()
        self.payment_problem.hide()
        self.payment_title.setText(
            self.tr.t(
                "staff.payment_title",
                reference=document["reference"],
                amount=self._amount(document),
            )
        )
        self.payment_keyboard.set_mode("digits")
        self.stages.setCurrentIndex(PAYMENT)

    def on_payment_confirmed(self) -> None:
        receipt_number = self.payment_receipt.text().strip()
        if self._paying is None:
            return
        if not receipt_number:
            self.payment_problem.setText(self.tr.t("staff.payment_need_receipt"))
            self.payment_problem.show()
            return
        reference, self._paying = self._paying, None
        self.stages.setCurrentIndex(DASHBOARD)
        self.ctx.bridge.call(
            self.ctx.app.record_fee_payment,
            reference,
            "cash",
            receipt_number,
            self.staff["staff_id"],
            on_done=lambda _r: self._after(self.tr.t("staff.paid", reference=reference)),
            on_error=self.on_action_failed,
        )

    # -- internals ------------------------------------------------------------------------

    def _usb(self, method, running_text: str) -> None:
        self._set_usb_enabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self._say(self.tr.t(running_text))
        self.ctx.bridge.call(
            method,
            on_done=self.on_usb_done,
            on_error=self.on_action_failed,
            on_progress=self.on_progress,
        )

    def _set_usb_enabled(self, enabled: bool) -> None:
        self.export_button.setEnabled(enabled)
        self.import_button.setEnabled(enabled)

    def _after(self, text: str) -> None:
        self._say(text)
        self.refresh()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _show_overview(self) -> None:
        overview, t, tr = self.overview, self.tr.t, self.tr
        if not overview:
            return
        queue = overview.get("queue") or {}
        held = overview.get("personal_data") or {}  # what the kiosk keeps about villagers
        last = queue.get("last_exchange") or {}
        connection = "staff.online" if last.get("ok") else "staff.offline"
        values = {
            "connection": t(connection) if last else t("staff.never_connected"),
            "last_exchange": tr.date_time(last.get("at")),
            "queue_depth": str(queue.get("queue_depth", 0)),
            "oldest_unsent": tr.date_time(queue.get("oldest_unsent_at"))
            if queue.get("oldest_unsent_at")
            else t("staff.nothing_waiting"),
            "printer": t(f"printer.{overview.get('printer', {}).get('state', 'unknown')}"),
            "personal_data": t(
                "staff.personal_data_value",
                count=held.get("with_personal_data", 0),
                days=held.get("retention_days", 30),
            ),
        }
        for fact, value in values.items():
            self.fact_values[fact].setText(value)
        self._show_clock(overview.get("clock") or {})
        clear_layout(self.ready_layout)
        ready = overview.get("ready") or []
        to_hand_over = [document for document in ready if not document.get("revoked_at")]
        self.ready_title.setText(t("staff.ready_title", count=len(to_hand_over)))
        for document in ready:
            self.ready_layout.addWidget(self._ready_row(document))
        handed = overview.get("handed_over") or []
        if handed:
            title = label("title")
            title.setText(t("staff.handed_over_title", count=len(handed)))
            self.ready_layout.addWidget(title)
            for handed_over in handed:
                self.ready_layout.addWidget(self._handed_over_row(handed_over))
        self.ready_layout.addStretch(1)

    def _show_clock(self, clock: dict) -> None:
        """Warn when the kiosk's clock is more than five minutes from central's."""
        if not clock.get("off"):
            self.clock_warning.hide()
            return
        seconds = abs(float(clock.get("offset_seconds") or 0))
        if seconds >= 2 * 86400:
            difference = self.tr.count(round(seconds / 86400), "day")
        elif seconds >= 2 * 3600:
            difference = self.tr.count(round(seconds / 3600), "hour")
        else:
            difference = self.tr.count(round(seconds / 60), "minute")
        key = "staff.clock_behind" if float(clock["offset_seconds"]) > 0 else "staff.clock_ahead"
        self.clock_warning.setText(self.tr.t(key, difference=difference))
        self.clock_warning.show()

    def _ready_row(self, document: dict) -> QWidget:
        t = self.tr.t
        reference = document["reference"]
        frame = card()
        frame.setObjectName(f"ready-{reference}")
        # The text above, its buttons below on as many lines as they need (large text).
        column = QVBoxLayout(frame)
        column.setContentsMargins(16, 6, 16, 6)
        row = WrapRow(spacing=8)
        text = label()
        if document.get("revoked_at"):
            # Revoked by the office: never printed, never handed over; staff are told why.
            frame.setObjectName(f"revoked-{reference}")
            text.setText(
                t(
                    "staff.revoked_line",
                    reference=reference,
                    number=document["number"],
                    date=self.tr.date_time(document["revoked_at"]),
                )
            )
            column.addWidget(text)
            return frame
        fee = t(f"staff.fee_{document.get('fee_status') or 'due'}")
        if document.get("fee_amount_cents") is not None:
            fee = f"{fee} ({self._amount(document)})"
        line = t("staff.ready_line", reference=reference, number=document["number"], fee=fee)
        if not document.get("identity_checked", True):
            line += "\n" + t("staff.identity_not_checked")
        text.setText(line)
        column.addWidget(text)
        column.addLayout(row)
        if document.get("fee_status") in (None, "due"):
            pay = button()
            pay.setObjectName("pay")
            pay.setText(t("staff.record_payment"))
            pay.clicked.connect(lambda: self.on_pay_clicked(document))
            row.add(pay)
        if not document.get("form_filed_at"):  # the signed request form first, then hand over
            form = button()
            form.setObjectName("form-filed")
            form.setText(t("staff.form_filed"))
            form.clicked.connect(lambda: self.on_form_filed_clicked(reference))
            row.add(form)
        reprint = button()
        reprint.setObjectName("reprint")
        reprint.setText(t("staff.reprint"))
        reprint.clicked.connect(lambda: self.on_reprint_clicked(reference))
        deliver = button("primary")
        deliver.setObjectName("deliver")
        deliver.setText(t("staff.deliver"))
        deliver.clicked.connect(lambda: self.on_deliver_clicked(document))
        row.add(reprint)
        row.add(deliver)
        return frame

    def _handed_over_row(self, handed: dict) -> QWidget:
        """A recent hand-over: "Отмени предаването" while its record waits in the outbox;
        once sent, that it was reported and whom to ask (kiosk_app.handover)."""
        t, reference = self.tr.t, handed["reference"]
        frame = card()
        frame.setObjectName(f"handed-{reference}")
        column = QVBoxLayout(frame)
        column.setContentsMargins(16, 6, 16, 6)
        text = label()
        line = t(
            "staff.handed_over_line",
            reference=reference,
            numbers=", ".join(handed.get("numbers") or []) or "—",
            when=self.tr.date_time(handed["at"]),
        )
        if handed.get("reported"):
            line += "\n" + t("staff.handed_over_reported")
        text.setText(line)
        column.addWidget(text)
        if not handed.get("reported"):
            undo = button()
            undo.setObjectName("undo-delivery")
            undo.setText(t("staff.undo_delivery"))
            undo.clicked.connect(lambda: self.on_undo_delivery_clicked(reference))
            row = WrapRow(spacing=8)
            row.add(undo)
            column.addLayout(row)
        return frame

    def on_undo_delivery_clicked(self, reference: str) -> None:
        self.ctx.bridge.call(
            self.ctx.app.undo_delivery,
            reference,
            self.staff["staff_id"],
            on_done=lambda _r: self._after(self.tr.t("staff.delivery_undone", reference=reference)),
            on_error=self._after_failure,
        )

    def _after_failure(self, error: Exception) -> None:
        """Refused (already reported): say why, and show the panel as it now is."""
        self.on_action_failed(error)
        self.refresh()

    def _amount(self, document: dict) -> str:
        cents = document.get("fee_amount_cents")
        return (
            self.tr.money(cents / 100) if cents is not None else self.tr.t("staff.amount_unknown")
        )

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("staff.title"))
        for fact in FACTS:
            self.fact_titles[fact].setText(t(f"staff.fact_{fact}"))
        self.sync_button.setText(t("staff.sync"))
        self.export_button.setText(t("staff.export"))
        self.import_button.setText(t("staff.import"))
        self.refresh_button.setText(t("staff.refresh"))
        self.payment_confirm.setText(t("staff.payment_confirm"))
        self.payment_cancel.setText(t("staff.payment_cancel"))
        self.payment_receipt.setPlaceholderText(t("staff.payment_placeholder"))
        self.handover_id_label.setText(t("staff.handover_id"))
        self.handover_id.setPlaceholderText(t("staff.handover_id_placeholder"))
        self.handover_confirm.setText(t("staff.handover_confirm"))
        self.handover_cancel.setText(t("staff.payment_cancel"))
        self._retitle_handover()
        self._show_overview()
