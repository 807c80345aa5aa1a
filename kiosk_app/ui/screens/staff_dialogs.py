"""The staff panel's two dialogs, each a page of its stack: "Платено" asks for the cash-receipt
number (an empty one is refused, with the amount shown); "Предаден" asks to confirm the
hand-over, and for a request made without staff also for the number of the identity card
checked now, which goes to central with the hand-over.

Both are parts of :class:`~kiosk_app.ui.screens.staff_panel.StaffPanelScreen` (mixed into it):
they use its ``ctx``, ``tr``, ``stages``, ``staff``, ``_after`` and ``on_action_failed``, and keep
their widgets on the panel under the names tests and the guided tour find them by.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..fields import TouchLineEdit
from ..keyboard import OnScreenKeyboard
from ..widgets import button, label, restyle
from .staff_rows import fee_amount

# The panel's stages, in the order StaffPanelScreen stacks them.
PIN, DASHBOARD, PAYMENT, HANDOVER = range(4)


class PaymentDialog:
    """The fee paid in cash: its receipt's number."""

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

    def on_pay_clicked(self, document: dict) -> None:
        self._paying = document["reference"]
        self.payment_receipt.clear()
        self.payment_problem.hide()
        self.payment_title.setText(
            self.tr.t(
                "staff.payment_title",
                reference=document["reference"],
                amount=fee_amount(self.tr, document),
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

    def _retranslate_payment(self) -> None:
        t = self.tr.t
        self.payment_confirm.setText(t("staff.payment_confirm"))
        self.payment_cancel.setText(t("staff.payment_cancel"))
        self.payment_receipt.setPlaceholderText(t("staff.payment_placeholder"))


class HandoverDialog:
    """The hand-over confirmed, with the identity card's number when staff did not check it."""

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

    def _retranslate_handover(self) -> None:
        t = self.tr.t
        self.handover_id_label.setText(t("staff.handover_id"))
        self.handover_id.setPlaceholderText(t("staff.handover_id_placeholder"))
        self.handover_confirm.setText(t("staff.handover_confirm"))
        self.handover_cancel.setText(t("staff.payment_cancel"))
        self._retitle_handover()
