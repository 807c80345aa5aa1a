"""Status lookup by reference: the state in plain words, the clerk's question, "ready".

It shows no personal data: the application layer's ``RequestStatus`` carries none.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from ..errors import describe
from ..fields import TouchLineEdit
from ..keyboard import OnScreenKeyboard
from ..widgets import Screen, button, card, label

KNOWN_STATES = (
    "queued",
    "received",
    "in_review",
    "approved",
    "rejected",
    "needs_info",
    "issued",
    "printed",
    "delivered",
    "cancelled",
)


class StatusScreen(Screen):
    name = "status"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.prompt = label()
        self.reference = TouchLineEdit()
        self.reference.setObjectName("input-reference")
        self.reference.setMaxLength(20)
        self.reference.textEdited.connect(self.on_reference_edited)
        self.look_button = button("primary")
        self.look_button.clicked.connect(self.on_look_clicked)
        row = QHBoxLayout()
        row.addWidget(self.reference, 1)
        row.addWidget(self.look_button)
        self.result = card()
        self.result.setObjectName("status-result")
        result_layout = QVBoxLayout(self.result)
        result_layout.setContentsMargins(20, 14, 20, 14)
        self.state = label("title")
        self.explanation = label()
        self.question = label("notice")
        result_layout.addWidget(self.state)
        result_layout.addWidget(self.explanation)
        result_layout.addWidget(self.question)
        self.result.hide()
        self.problem = label("error")
        self.problem.hide()
        self.keyboard = OnScreenKeyboard(ctx.tr)
        self.keyboard.set_target(self.reference, auto_capitals=True)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(32, 16, 32, 8)
        layout.setSpacing(12)
        layout.addWidget(self.prompt)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addWidget(self.keyboard)
        self._status = None
        self.retranslate()

    def enter(self) -> None:
        self.keyboard.set_mode("latin")
        self.reference.setFocus()

    def wipe(self) -> None:
        self.reference.clear()
        self._status = None
        self.result.hide()
        self.problem.hide()

    def on_reference_edited(self, text: str) -> None:
        # References are capitals and digits (DZH1-00042); type them as such whatever the shift.
        if text != text.upper():
            position = self.reference.cursorPosition()
            self.reference.setText(text.upper())
            self.reference.setCursorPosition(position)

    def on_look_clicked(self) -> None:
        reference = self.reference.text().strip()
        self.result.hide()
        if not reference:
            self._show_problem(self.tr.t("status.empty"))
            return
        self.problem.hide()
        self.look_button.setEnabled(False)
        self.ctx.bridge.call(
            "request_status",
            reference,
            on_done=self.on_status_found,
            on_error=self.on_status_failed,
        )

    def on_status_found(self, status) -> None:
        self.look_button.setEnabled(True)
        self._status = status
        self._show_status()

    def on_status_failed(self, error: Exception) -> None:
        self.look_button.setEnabled(True)
        self._status = None
        self._show_problem(describe(self.tr, error))

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _show_status(self) -> None:
        status, t = self._status, self.tr.t
        if status is None:
            return
        state = status.status if status.status in KNOWN_STATES else "unknown"
        if status.document_ready:
            state = "ready"
        self.state.setText(
            t("status.headline", reference=status.reference, state=t(f"state.{state}"))
        )
        self.explanation.setText(t(f"state.{state}.explain"))
        self.question.setVisible(bool(status.question))
        if status.question:
            self.question.setText(t("status.question", question=status.question))
        self.result.show()

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("status.title"))
        self.prompt.setText(t("status.prompt"))
        self.reference.setPlaceholderText(t("status.placeholder"))
        self.look_button.setText(t("status.look"))
        self._show_status()
