"""Review and submit. The screen says "recorded" only after the worker returns the reference,
i.e. after the request is committed to the kiosk's database; then the receipt is printed.

A tap on an answer's row opens that one answer in the form, which comes straight back here;
the staff's confirmation stays as it was.

How fast is asked here, not on a page of its own: the ordinary tier is taken, and a service with
a faster one shows "По-бързо?" with both, the faster one with what it costs more. A fee that
staff recorded as paid was paid for the tier shown then: choosing another sends the villager
back to the staff confirmation for the new amount.

Signals of :class:`ReviewRow`:

- ``clicked()``: the row was touched.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .. import catalogue_view as view
from ..errors import describe
from ..widgets import Screen, button, clear_layout, label, touch_scrolling
from ..wrap import WrapRow


class ReviewRow(QFrame):
    """One line of the review; a row that can be changed says so and is touched as a whole."""

    clicked = Signal()

    def __init__(self, title: str, value: str, edit_hint: str | None):
        super().__init__()
        self.setProperty("role", "card")
        self.editable = edit_hint is not None
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 6, 16, 6)
        self.title = label("subtle")
        self.title.setText(title)
        self.value = label()
        self.value.setText(value)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.title, 1)
        row.addWidget(self.value, 1)
        if self.editable:
            self.hint = label("subtle", wrap=False)
            self.hint.setText(edit_hint)
            row.addWidget(self.hint)
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().mouseReleaseEvent(event)
        if self.editable and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()


class ReviewScreen(Screen):
    name = "review"
    back_target = "staff_confirm"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.intro = label()
        self.summary_holder = QWidget()
        self.summary = QVBoxLayout(self.summary_holder)
        self.summary.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.summary_holder)
        touch_scrolling(scroll)
        self.rows: dict[str, ReviewRow] = {}
        self.tier_buttons: dict[str, object] = {}
        self.problem = label("error")
        self.problem.hide()
        self.busy = label("notice")
        self.busy.hide()
        self.submit_button = button("primary", min_height=84)
        self.submit_button.clicked.connect(self.on_submit_clicked)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.submit_button)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.setSpacing(12)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.busy)
        layout.addLayout(actions)
        self.retranslate()

    def enter(self) -> None:
        self.problem.hide()
        self.busy.hide()
        self.submit_button.setEnabled(True)
        self._fill()

    def wipe(self) -> None:
        self._clear()

    def on_submit_clicked(self) -> None:
        session = self.ctx.session
        self.submit_button.setEnabled(False)
        self.problem.hide()
        self.busy.setText(self.tr.t("review.saving"))
        self.busy.show()
        staff = None
        fee = {"status": "due"}
        if session.staff is not None:
            staff = {
                "staff_id": session.staff.staff_id,
                "id_document_number": session.staff.id_document_number,
            }
            if session.staff.authorisation:
                staff["authorisation"] = session.staff.authorisation
            fee = dict(session.staff.fee)
        answers = view.asked_answers(session.service, session.fields)
        self.ctx.bridge.call(
            self.ctx.app.submit_request,
            session.service["id"],
            answers,
            staff=staff,
            fee=fee,
            tier=session.tier,
            on_done=self.on_submitted,
            on_error=self.on_submit_failed,
        )

    def on_submitted(self, reference: str) -> None:
        session = self.ctx.session
        session.reference = reference
        session.printed = None
        self.busy.hide()
        self.navigate_requested.emit("done")

    def on_submit_failed(self, error: Exception) -> None:
        self.busy.hide()
        self.submit_button.setEnabled(True)
        self.problem.setText(describe(self.tr, error))
        self.problem.show()

    def on_tier_chosen(self, tier_id: str) -> None:
        session = self.ctx.session
        if tier_id == session.tier:
            return
        session.tier = tier_id
        if session.staff is not None and session.staff.fee.get("status") == "paid":
            session.staff = None  # the amount paid was the other tier's
            self.navigate_requested.emit("staff_confirm")
            return
        self._fill()

    def on_row_clicked(self, name: str) -> None:
        """Change the one answer ``name`` (a field's name) in the form."""
        self.ctx.session.editing = name
        self.navigate_requested.emit("form")

    def _clear(self) -> None:
        clear_layout(self.summary)
        self.rows = {}
        self.tier_buttons = {}

    def _row(self, title: str, value: str, edits: str | None = None) -> None:
        row = ReviewRow(title, value, self.tr.t("review.edit") if edits else None)
        if edits:
            row.setObjectName(f"review-{edits}")
            row.clicked.connect(lambda: self.on_row_clicked(edits))
            self.rows[edits] = row
        self.summary.addWidget(row)

    def _fill(self) -> None:
        self._clear()
        session, tr, t = self.ctx.session, self.tr, self.tr.t
        service = session.service
        if service is None:
            return
        self._row(t("review.service"), tr.pick(service.get("name")))
        tier = next((x for x in view.tiers_of(service) if x["id"] == session.tier), None)
        tier = tier or (view.tiers_of(service) or [None])[0]
        if len(view.tiers_of(service)) > 1:
            self._tier_choice(service, tier)
        elif tier:
            self._row(t("review.fee"), tr.money(tier.get("fee_eur")))
            self._row(t("review.deadline"), view.deadline_text(tr, tier.get("deadline")))
        for field in view.asked_fields(service, session.fields):
            value = session.fields.get(field["name"], "")
            if not str(value).strip():
                continue
            if field.get("type") == "boolean":
                value = t("common.yes") if value == "true" else t("common.no")
            for option in field.get("options") or []:
                if option["value"] == value:
                    value = tr.pick(option["label"])
            self._row(tr.pick(field.get("label")), value, field["name"])
        if session.staff is not None:
            self._row(t("review.staff"), session.staff.staff_name)
            self._row(t("review.id_document"), session.staff.id_document_number)
            if session.staff.authorisation:
                self._row(t("review.authorisation"), session.staff.authorisation)
            self._row(t("review.fee_settled"), t(f"review.fee_{session.staff.fee['status']}"))
        else:
            self._row(t("review.staff"), t("review.no_staff"))
        self.summary.addStretch(1)

    def _tier_choice(self, service: dict, chosen: dict) -> None:
        """ "По-бързо?" and one button per tier with its fee and time; the dearer ones say by how
        much. A touch chooses."""
        tr, t = self.tr, self.tr.t
        tiers = view.tiers_of(service)
        cheapest = min(Decimal(str(tier.get("fee_eur") or 0)) for tier in tiers)
        box = QFrame()
        box.setProperty("role", "card")
        box.setObjectName("review-tier")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(16, 6, 16, 10)
        question = label("subtle")
        question.setText(t("review.faster"))
        inner.addWidget(question)
        row = WrapRow(spacing=8)
        group = QButtonGroup(box)
        for tier in tiers:
            fee = Decimal(str(tier.get("fee_eur") or 0))
            text = t(
                "review.tier_more" if fee > cheapest else "review.tier",
                name=tr.pick(tier.get("name")),
                fee=tr.money(fee),
                more=tr.money(fee - cheapest),
                deadline=view.deadline_text(tr, tier.get("deadline")),
            )
            choice = button("choice", checkable=True, min_height=84, wrap=True)
            choice.setObjectName(f"tier-{tier['id']}")
            choice.setText(text)
            choice.setChecked(tier["id"] == chosen["id"])
            choice.clicked.connect(lambda _=False, tier_id=tier["id"]: self.on_tier_chosen(tier_id))
            group.addButton(choice)
            row.add(choice)
            self.tier_buttons[tier["id"]] = choice
        inner.addLayout(row)
        self.summary.addWidget(box)

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("review.title"))
        self.intro.setText(t("review.intro"))
        self.submit_button.setText(t("review.submit"))
        if self.ctx.session.service is not None and self.isVisible():
            self._fill()
