"""The staff panel (behind a PIN): the kiosk's health, documents to hand over, and the USB stick.

Every action runs on the worker; the panel shows a progress bar for exports and imports and stays
responsive while an exchange with central is slow.

Its parts live beside it: what the facts say of the queue, the printer and the clock
(``staff_facts``), one row per document with its actions — the fee, the signed form, a reprint,
the hand-over, its undo — (``staff_rows``), and the dialogs for the fee's receipt and the
hand-over (``staff_dialogs``). A recent hand-over can be taken back ("Отмени предаването") while
its record still waits in the outbox; once sent, the row says it was reported and whom to ask
(kiosk_app/handover.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..errors import describe, staff_detail
from ..pinpad import PinPad
from ..widgets import Screen, button, card, clear_layout, label, touch_scrolling
from ..wrap import WrapRow
from .staff_dialogs import DASHBOARD, HandoverDialog, PaymentDialog
from .staff_facts import FACTS, clock_warning, fact_texts, place_facts
from .staff_rows import handed_over_row, ready_row


class StaffPanelScreen(PaymentDialog, HandoverDialog, Screen):
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
        place_facts(self.facts_grid, self.fact_titles, self.fact_values, large)

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

    def on_form_filed_clicked(self, reference: str) -> None:
        self.ctx.bridge.call(
            self.ctx.app.record_form_filed,
            reference,
            self.staff["staff_id"],
            on_done=lambda _r: self._after(self.tr.t("staff.form_filed_done", reference=reference)),
            on_error=self.on_action_failed,
        )

    def on_reprint_clicked(self, reference: str) -> None:
        self.ctx.bridge.call(
            self.ctx.app.reprint_document,
            reference,
            on_done=lambda _r: self._after(self.tr.t("staff.reprinted", reference=reference)),
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
        overview, t = self.overview, self.tr.t
        if not overview:
            return
        for fact, value in fact_texts(self.tr, overview).items():
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
        warning = clock_warning(self.tr, clock)
        if warning is None:
            self.clock_warning.hide()
            return
        self.clock_warning.setText(warning)
        self.clock_warning.show()

    def _ready_row(self, document: dict) -> QWidget:
        return ready_row(
            self.tr,
            document,
            on_pay=self.on_pay_clicked,
            on_form_filed=self.on_form_filed_clicked,
            on_reprint=self.on_reprint_clicked,
            on_deliver=self.on_deliver_clicked,
        )

    def _handed_over_row(self, handed: dict) -> QWidget:
        return handed_over_row(self.tr, handed, on_undo=self.on_undo_delivery_clicked)

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

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("staff.title"))
        for fact in FACTS:
            self.fact_titles[fact].setText(t(f"staff.fact_{fact}"))
        self.sync_button.setText(t("staff.sync"))
        self.export_button.setText(t("staff.export"))
        self.import_button.setText(t("staff.import"))
        self.refresh_button.setText(t("staff.refresh"))
        self._retranslate_payment()
        self._retranslate_handover()
        self._show_overview()
