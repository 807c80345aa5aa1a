"""Staff confirm the applicant's identity (PIN, the ID document's number, never a picture of the
card) and how the fee is settled. Villagers alone may go on without staff: the identity is then
checked when the document is collected, and the fee stays due.

For a request about another person (:func:`catalogue_view.needs_authorisation`) a third stage
asks what staff checked that lets it go ahead: its kind (a notarised power of attorney, a legal
representative — a parent, guardian or curator —, or a document of a legal interest), its
number and date, and who issued or certified it. It travels with the request as one line in
Bulgarian (``staff.authorisation``, read by central's review and shown to the clerk).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import catalogue_view as view
from ..errors import describe
from ..fields import TouchLineEdit
from ..keyboard import OnScreenKeyboard
from ..pinpad import PinPad
from ..session import StaffConfirmation
from ..widgets import Screen, button, label, restyle
from ..wrap import WrapRow

FEE_CHOICES = ("paid", "on_delivery", "exempt")
AUTHORISATION_KINDS = ("power_of_attorney", "legal_representative", "legal_interest")
# The line that goes to the municipality's records, in Bulgarian whatever the screen's language
# (the clerk reads it in the office review beside the other registers' data).
AUTHORISATION_RECORD = "{kind} № {number}, издаден/заверен от {by}"
AUTHORISATION_KIND_RECORD = {
    "power_of_attorney": "Нотариално заверено пълномощно",
    "legal_representative": "Документ на законен представител (родител, настойник, попечител)",
    "legal_interest": "Документ за правен интерес",
}


class StaffConfirmScreen(Screen):
    name = "staff_confirm"
    back_target = "form"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._staff: dict | None = None
        self._confirmed: StaffConfirmation | None = None  # waiting for the authorisation
        self.stages = QStackedWidget()

        # Stage 1: the PIN.
        pin_page = QWidget()
        self.explanation = label()
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pinpad = PinPad(ctx.tr)
        self.pinpad.submitted.connect(self.on_pin_submitted)
        # The width of the page, on as many lines as the text needs (three in large text): the
        # long text is never clipped at the sides.
        self.skip_button = button(min_height=96, wrap=True)
        self.skip_button.setObjectName("skip-staff")
        self.skip_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.skip_button.clicked.connect(self.on_skip_clicked)
        pin_layout = QVBoxLayout(pin_page)
        pin_layout.addWidget(self.explanation)
        pin_layout.addWidget(self.pinpad, 1, Qt.AlignmentFlag.AlignHCenter)
        pin_layout.addWidget(self.skip_button)

        # Stage 2: the document number and the fee.
        details = QWidget()
        self.staff_name = label("ok")
        self.id_label = label()
        self.id_number = TouchLineEdit()
        self.id_number.setObjectName("input-id-document")
        self.id_number.setMaxLength(20)
        self.id_number.touched.connect(lambda: self._type_into(self.id_number))
        self.id_number.textEdited.connect(self.on_detail_edited)
        self.fee_label = label()
        self.fee_group = QButtonGroup(self)
        self.fee_buttons = {}
        fee_row = WrapRow(spacing=8)  # in large text a button that does not fit goes below
        for choice in FEE_CHOICES:
            fee_button = button("choice", checkable=True)
            fee_button.setObjectName(f"fee-{choice}")
            fee_button.clicked.connect(self.on_fee_chosen)
            self.fee_group.addButton(fee_button)
            self.fee_buttons[choice] = fee_button
            fee_row.add(fee_button)
        self.receipt_label = label()
        self.receipt_number = TouchLineEdit()
        self.receipt_number.setObjectName("input-receipt-number")
        self.receipt_number.setMaxLength(30)
        self.receipt_number.touched.connect(lambda: self._type_into(self.receipt_number))
        self.receipt_number.textEdited.connect(self.on_detail_edited)
        self.problem = label("error")
        self.problem.hide()
        self.continue_button = button("primary")
        self.continue_button.clicked.connect(self.on_continue_clicked)
        self.keyboard = OnScreenKeyboard(ctx.tr)
        detail_layout = QVBoxLayout(details)
        detail_layout.setSpacing(6)
        detail_layout.addWidget(self.staff_name)
        detail_layout.addWidget(self.id_label)
        detail_layout.addWidget(self.id_number)
        detail_layout.addWidget(self.fee_label)
        detail_layout.addLayout(fee_row)
        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.receipt_label)
        receipt_row.addWidget(self.receipt_number, 1)
        detail_layout.addLayout(receipt_row)
        receipt_row.addWidget(self.continue_button)
        detail_layout.addWidget(self.problem)
        detail_layout.addStretch(1)
        detail_layout.addWidget(self.keyboard)

        self.stages.addWidget(pin_page)
        self.stages.addWidget(details)
        self.stages.addWidget(self._authorisation_page())
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(24, 12, 24, 6)
        layout.addWidget(self.stages)
        self.retranslate()

    def _authorisation_page(self) -> QWidget:
        page = QWidget()
        self.auth_title = label()
        self.auth_group = QButtonGroup(self)
        self.auth_buttons = {}
        kinds = WrapRow(spacing=8)
        for kind in AUTHORISATION_KINDS:
            kind_button = button("choice", checkable=True, min_height=84, wrap=True)
            kind_button.setObjectName(f"authorisation-{kind}")
            kind_button.clicked.connect(self.on_authorisation_kind_chosen)
            self.auth_group.addButton(kind_button)
            self.auth_buttons[kind] = kind_button
            kinds.add(kind_button)
        self.auth_number_label = label()
        self.auth_number = TouchLineEdit()
        self.auth_number.setObjectName("input-authorisation-number")
        self.auth_number.setMaxLength(60)
        self.auth_number.touched.connect(lambda: self._type_into(self.auth_number, "digits"))
        self.auth_number.textEdited.connect(self.on_authorisation_edited)
        self.auth_by_label = label()
        self.auth_by = TouchLineEdit()
        self.auth_by.setObjectName("input-authorisation-by")
        self.auth_by.setMaxLength(120)
        self.auth_by.touched.connect(lambda: self._type_into(self.auth_by, "cyrillic"))
        self.auth_by.textEdited.connect(self.on_authorisation_edited)
        self.auth_problem = label("error")
        self.auth_problem.hide()
        self.auth_continue = button("primary")
        self.auth_continue.setObjectName("authorisation-continue")
        self.auth_continue.clicked.connect(self.on_authorisation_continue)
        self.auth_keyboard = OnScreenKeyboard(self.ctx.tr)
        grid = QVBoxLayout(page)
        grid.setSpacing(6)
        grid.addWidget(self.auth_title)
        grid.addLayout(kinds)
        for caption, box in (
            (self.auth_number_label, self.auth_number),
            (self.auth_by_label, self.auth_by),
        ):
            row = QHBoxLayout()
            row.addWidget(caption, 2)
            row.addWidget(box, 3)
            grid.addLayout(row)
        row.addWidget(self.auth_continue)  # beside the last box, as on the stage before
        grid.addWidget(self.auth_problem)
        grid.addStretch(1)
        grid.addWidget(self.auth_keyboard)
        return page

    def enter(self) -> None:
        self.wipe()

    def wipe(self) -> None:
        self._staff = None
        self.pinpad.clear()
        self.pinpad.set_locked(False)
        self.id_number.clear()
        self.receipt_number.clear()
        self._confirmed = None
        self.auth_number.clear()
        self.auth_by.clear()
        self.auth_problem.hide()
        self.auth_group.setExclusive(False)
        for kind_button in self.auth_buttons.values():
            kind_button.setChecked(False)
        self.auth_group.setExclusive(True)
        self.fee_group.setExclusive(False)
        for fee_button in self.fee_buttons.values():
            fee_button.setChecked(False)
        self.fee_group.setExclusive(True)
        self.problem.hide()
        self.stages.setCurrentIndex(0)
        self._update_receipt_visibility()

    # -- slots ----------------------------------------------------------------------------

    def on_pin_submitted(self, pin: str) -> None:
        self.pinpad.check(
            self.ctx.bridge, pin, self.on_pin_accepted, lambda error: describe(self.tr, error)
        )

    def on_pin_accepted(self, staff: dict) -> None:
        self._staff = dict(staff)
        self.pinpad.set_locked(False)
        self.stages.setCurrentIndex(1)
        self.staff_name.setText(self.tr.t("staff_confirm.checked_by", name=staff.get("name", "")))
        self._type_into(self.id_number)

    def on_skip_clicked(self) -> None:
        self.ctx.session.staff = None
        self.navigate_requested.emit("review")

    def on_detail_edited(self, _text: str = "") -> None:
        """A message shown stays only while it is still true: fixed answers clear it."""
        if not self.problem.isHidden():
            self._show_problem(self._problem())

    def on_fee_chosen(self) -> None:
        self.on_detail_edited()
        self._update_receipt_visibility()
        if self.fee_buttons["paid"].isChecked():
            self._type_into(self.receipt_number)

    def on_continue_clicked(self) -> None:
        problem = self._problem()
        self._show_problem(problem)
        if problem:
            return
        choice = self._fee_choice()
        fee = {"status": "due"} if choice == "on_delivery" else {"status": choice}
        if choice == "paid":
            fee.update(method="cash", receipt_number=self.receipt_number.text().strip())
        confirmed = StaffConfirmation(
            staff_id=self._staff["staff_id"],
            staff_name=self._staff.get("name", ""),
            id_document_number=self.id_number.text().strip().upper(),
            fee=fee,
        )
        if self.needs_authorisation():
            self._confirmed = confirmed
            self.stages.setCurrentIndex(2)
            self._type_into(self.auth_number, "digits")
            return
        self.ctx.session.staff = confirmed
        self.navigate_requested.emit("review")

    def needs_authorisation(self) -> bool:
        service = self.ctx.session.service
        if service is None:
            return False
        return view.needs_authorisation(view.asked_answers(service, self.ctx.session.fields))

    def on_authorisation_kind_chosen(self) -> None:
        self.on_authorisation_edited()
        self._type_into(self.auth_number, "digits")

    def on_authorisation_edited(self, _text: str = "") -> None:
        if not self.auth_problem.isHidden():
            self._show_authorisation_problem(self._authorisation_problem())

    def on_authorisation_continue(self) -> None:
        problem = self._authorisation_problem()
        self._show_authorisation_problem(problem)
        if problem:
            return
        self._confirmed.authorisation = self.authorisation_text()
        self.ctx.session.staff = self._confirmed
        self.navigate_requested.emit("review")

    def authorisation_text(self) -> str:
        """What staff checked, as one line in Bulgarian for the municipality's records."""
        kind = next(k for k, b in self.auth_buttons.items() if b.isChecked())
        return AUTHORISATION_RECORD.format(
            kind=AUTHORISATION_KIND_RECORD[kind],
            number=" ".join(self.auth_number.text().split()),
            by=" ".join(self.auth_by.text().split()),
        )

    # -- internals ------------------------------------------------------------------------

    def _show_problem(self, problem: str | None) -> None:
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        for widget, bad in (
            (self.id_number, problem == self.tr.t("staff_confirm.need_id")),
            (self.receipt_number, problem == self.tr.t("staff_confirm.need_receipt")),
        ):
            widget.setProperty("invalid", bad)
            restyle(widget)

    def _authorisation_problem(self) -> str | None:
        t = self.tr.t
        if not any(b.isChecked() for b in self.auth_buttons.values()):
            return t("staff_confirm.need_authorisation_kind")
        if len(self.auth_number.text().strip()) < 3:
            return t("staff_confirm.need_authorisation_number")
        if len(self.auth_by.text().strip()) < 3:
            return t("staff_confirm.need_authorisation_by")
        return None

    def _show_authorisation_problem(self, problem: str | None) -> None:
        self.auth_problem.setText(problem or "")
        self.auth_problem.setVisible(bool(problem))
        for widget, key in (
            (self.auth_number, "staff_confirm.need_authorisation_number"),
            (self.auth_by, "staff_confirm.need_authorisation_by"),
        ):
            widget.setProperty("invalid", problem == self.tr.t(key))
            restyle(widget)

    def _fee_choice(self) -> str | None:
        return next((c for c, b in self.fee_buttons.items() if b.isChecked()), None)

    def _problem(self) -> str | None:
        number = self.id_number.text().strip()
        if len(number) < 6 or not number.isalnum():
            return self.tr.t("staff_confirm.need_id")
        choice = self._fee_choice()
        if choice is None:
            return self.tr.t("staff_confirm.need_fee")
        if choice == "paid" and not self.receipt_number.text().strip():
            return self.tr.t("staff_confirm.need_receipt")
        return None

    def _type_into(self, line_edit, mode: str = "digits") -> None:
        keyboard = self.auth_keyboard if line_edit in (self.auth_number, self.auth_by) else None
        keyboard = keyboard or self.keyboard
        keyboard.set_target(line_edit, auto_capitals=False)
        keyboard.set_mode(mode)
        line_edit.setFocus()

    def _update_receipt_visibility(self) -> None:
        paid = self.fee_buttons["paid"].isChecked()
        self.receipt_label.setVisible(paid)
        self.receipt_number.setVisible(paid)

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("staff_confirm.title"))
        self.explanation.setText(t("staff_confirm.explanation"))
        self.skip_button.setText(t("staff_confirm.skip"))
        self.id_label.setText(t("staff_confirm.id_number"))
        self.fee_label.setText(t("staff_confirm.fee"))
        for choice, fee_button in self.fee_buttons.items():
            fee_button.setText(t(f"staff_confirm.fee_{choice}"))
        self.receipt_label.setText(t("staff_confirm.receipt_number"))
        self.continue_button.setText(t("staff_confirm.continue"))
        self.auth_title.setText(t("staff_confirm.authorisation_title"))
        for kind, kind_button in self.auth_buttons.items():
            kind_button.setText(t(f"staff_confirm.authorisation_{kind}"))
        self.auth_number_label.setText(t("staff_confirm.authorisation_number"))
        self.auth_by_label.setText(t("staff_confirm.authorisation_by"))
        self.auth_number.setPlaceholderText(t("staff_confirm.authorisation_number_example"))
        self.auth_by.setPlaceholderText(t("staff_confirm.authorisation_by_example"))
        self.auth_continue.setText(t("staff_confirm.continue"))
        if self.auth_problem.isVisible():
            self.auth_problem.setText(self._authorisation_problem() or "")
        if self._staff:
            self.staff_name.setText(t("staff_confirm.checked_by", name=self._staff.get("name", "")))
        if self.problem.isVisible():
            self.problem.setText(self._problem() or "")
