"""Status lookup by reference and the slip's check code: the state in plain words, the clerk's
question, "ready".

It shows no personal data: the application layer's ``RequestStatus`` carries none. The
reference box starts with this kiosk's prefix ("DZH1-") and the number pad, so only the number
is typed; small letters, Cyrillic letters and a missing hyphen are read right by
``kiosk_app.lookup``, which also compares the check code (the screen only passes it on).

When the clerk asked a question (``needs_info``), the question is shown large with a button to
answer it with a member of staff: their PIN first (the same PIN pad, check and lock-out as the
staff confirmation), then the answer typed on the on-screen keyboard, then "the answer is on its
way" with the request's new state. The answer is queued by ``answer_question`` on the worker.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from sync.states import KIOSK_STATES

from ..errors import describe
from ..fields import TouchLineEdit, TouchTextArea
from ..keyboard import OnScreenKeyboard
from ..pinpad import PinPad
from ..widgets import Screen, button, card, label, restyle

KNOWN_STATES = KIOSK_STATES  # sync/states.py: central's states and the kiosk's "queued"

MAX_ANSWER_CHARS = 1000

# The stages of the screen, in the order of the stack.
LOOKUP, PIN, ANSWER, SENT = range(4)


class StatusScreen(Screen):
    name = "status"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._status = None
        self._looked_up: tuple[str, str] | None = None  # the reference and code that found it
        self._prefix = ""
        self._staff: dict | None = None
        self._sent_status = None
        self._answer_error: Exception | None = None
        self.stages = QStackedWidget()
        self.stages.addWidget(self._build_lookup())
        self.stages.addWidget(self._build_pin())
        self.stages.addWidget(self._build_answer())
        self.stages.addWidget(self._build_sent())
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stages)
        self.retranslate()

    # -- building -------------------------------------------------------------------------

    def _build_lookup(self) -> QWidget:
        page = QWidget()
        self.prompt = label()
        self.reference = TouchLineEdit()
        self.reference.setObjectName("input-reference")
        self.reference.setMaxLength(20)
        self.reference.textEdited.connect(self.on_reference_edited)
        self.reference.touched.connect(self.on_reference_touched)
        self.code_label = label(wrap=False)
        self.code = TouchLineEdit()
        self.code.setObjectName("input-check-code")
        self.code.setMaxLength(8)
        self.code.touched.connect(lambda: self._type_into(self.code))
        self.reference.touched.connect(lambda: self._type_into(self.reference))
        self.look_button = button("primary")
        self.look_button.clicked.connect(self.on_look_clicked)
        row = QHBoxLayout()
        row.addWidget(self.reference, 3)
        row.addWidget(self.code_label)
        row.addWidget(self.code, 2)
        row.addWidget(self.look_button)
        self.result = card()
        self.result.setObjectName("status-result")
        result_layout = QVBoxLayout(self.result)
        result_layout.setContentsMargins(20, 14, 20, 14)
        self.state = label("title")
        self.explanation = label()
        self.question = label("question")
        self.question.setObjectName("status-question")
        self.answer_button = button("primary", min_height=80)
        self.answer_button.setObjectName("answer-with-staff")
        self.answer_button.clicked.connect(self.on_answer_clicked)
        result_layout.addWidget(self.state)
        result_layout.addWidget(self.explanation)
        result_layout.addWidget(self.question)
        result_layout.addWidget(self.answer_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.result.hide()
        self.problem = label("error")
        self.problem.hide()
        self.keyboard = OnScreenKeyboard(self.tr)
        self.keyboard.set_target(self.reference, auto_capitals=True)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(32, 16, 32, 8)
        layout.setSpacing(12)
        layout.addWidget(self.prompt)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addWidget(self.keyboard)
        return page

    def _build_pin(self) -> QWidget:
        page = QWidget()
        self.pin_explanation = label()
        self.pin_explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pinpad = PinPad(self.tr)
        self.pinpad.submitted.connect(self.on_pin_submitted)
        self.pin_cancel = button()
        self.pin_cancel.clicked.connect(self.on_cancel_clicked)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 12, 24, 6)
        layout.addWidget(self.pin_explanation)
        layout.addWidget(self.pinpad, 1, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.pin_cancel, 0, Qt.AlignmentFlag.AlignHCenter)
        return page

    def _build_answer(self) -> QWidget:
        page = QWidget()
        self.answer_question = label("notice")
        self.answer_staff = label("ok", wrap=False)
        self.answer_staff.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.answer_label = label(wrap=False)
        self.answer = TouchTextArea()
        self.answer.setObjectName("input-answer")
        self.answer.setMinimumHeight(110)
        self.answer.textChanged.connect(self.on_answer_changed)
        self.answer.touched.connect(self.on_answer_touched)
        self.answer_count = label("subtle", wrap=False)
        self.answer_problem = label("error")
        self.answer_problem.setObjectName("answer-problem")
        self.answer_problem.hide()
        self.answer_cancel = button()
        self.answer_cancel.clicked.connect(self.on_cancel_clicked)
        self.send_button = button("primary")
        self.send_button.setObjectName("send-answer")
        self.send_button.clicked.connect(self.on_send_clicked)
        self.answer_keyboard = OnScreenKeyboard(self.tr)
        self.answer_keyboard.set_target(self.answer, auto_capitals="sentence")
        top = QHBoxLayout()
        top.addWidget(self.answer_label)
        top.addWidget(self.answer_staff, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.answer_count)
        actions.addWidget(self.answer_problem, 1)
        actions.addWidget(self.answer_cancel)
        actions.addWidget(self.send_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 10, 24, 6)
        layout.setSpacing(8)
        layout.addWidget(self.answer_question)
        layout.addLayout(top)
        layout.addWidget(self.answer, 1)
        layout.addLayout(actions)
        layout.addWidget(self.answer_keyboard)
        return page

    def _build_sent(self) -> QWidget:
        page = QWidget()
        self.sent_title = label("ok-title")
        self.sent_title.setObjectName("answer-sent")
        self.sent_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sent_note = label()
        self.sent_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sent_card = card()
        sent_layout = QVBoxLayout(self.sent_card)
        sent_layout.setContentsMargins(20, 14, 20, 14)
        self.sent_state = label("title")
        self.sent_state.setObjectName("sent-state")
        self.sent_explanation = label()
        sent_layout.addWidget(self.sent_state)
        sent_layout.addWidget(self.sent_explanation)
        self.finish_button = button("primary", min_height=90)
        self.finish_button.clicked.connect(self.on_finish_clicked)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.setSpacing(18)
        layout.addStretch(1)
        layout.addWidget(self.sent_title)
        layout.addWidget(self.sent_note)
        layout.addWidget(self.sent_card)
        layout.addStretch(1)
        layout.addWidget(self.finish_button, 0, Qt.AlignmentFlag.AlignHCenter)
        return page

    # -- hooks ----------------------------------------------------------------------------

    def enter(self) -> None:
        if self.stages.currentIndex() == LOOKUP:
            self._type_into(self.reference)
            self.ctx.bridge.call(
                self.ctx.app.reference_prefix,
                on_done=self.on_prefix_known,
                on_error=lambda _error: None,  # not enrolled: the villager types it all
            )

    def on_prefix_known(self, prefix: str) -> None:
        self._prefix = prefix
        if not self.reference.text().strip():
            self.reference.setText(f"{prefix}-")

    def _type_into(self, line_edit) -> None:
        self.keyboard.set_target(line_edit, auto_capitals=False)
        self.keyboard.set_mode("digits")
        self.keyboard.show()
        line_edit.setFocus()

    def wipe(self) -> None:
        self.reference.clear()
        self.code.clear()
        self._looked_up = None
        self._status = None
        self._staff = None
        self._sent_status = None
        self.result.hide()
        self.problem.hide()
        self.keyboard.show()
        self.pinpad.clear()
        self.pinpad.set_locked(False)
        self._clear_answer()
        self.stages.setCurrentIndex(LOOKUP)
        self.retranslate()

    def has_input(self) -> bool:
        return bool(self.answer.text().strip())  # a typed reference is no loss

    def on_back_clicked(self) -> None:
        if self.stages.currentIndex() in (PIN, ANSWER):
            self.on_cancel_clicked()
        elif self.stages.currentIndex() == SENT:
            self.on_finish_clicked()
        else:
            super().on_back_clicked()

    # -- the lookup -----------------------------------------------------------------------

    def on_reference_edited(self, text: str) -> None:
        # References are capitals and digits (DZH1-00042); type them as such whatever the shift.
        if text != text.upper():
            position = self.reference.cursorPosition()
            self.reference.setText(text.upper())
            self.reference.setCursorPosition(position)

    def on_reference_touched(self) -> None:
        self.keyboard.show()

    def on_look_clicked(self) -> None:
        reference, code = self.reference.text().strip(), self.code.text().strip()
        self.result.hide()
        self.keyboard.show()
        if not reference or reference.rstrip("-") == self._prefix:
            self._show_problem(self.tr.t("status.empty"))
            self._type_into(self.reference)
            return
        if not code:
            self._show_problem(self.tr.t("status.need_code"))
            self._type_into(self.code)
            return
        self.problem.hide()
        self.look_button.setEnabled(False)
        self._looked_up = (reference, code)
        self.ctx.bridge.call(
            self.ctx.app.look_up_request,
            reference,
            code,
            on_done=self.on_status_found,
            on_error=self.on_status_failed,
        )

    def on_status_found(self, status) -> None:
        self.look_button.setEnabled(True)
        self._status = status
        self._show_status()
        self.ctx.narrator.read(self.result)  # the answer is read aloud in full

    def on_status_failed(self, error: Exception) -> None:
        self.look_button.setEnabled(True)
        self._status = None
        self._looked_up = None
        self._show_problem(describe(self.tr, error))

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _can_answer(self) -> bool:
        status = self._status
        return status is not None and status.status == "needs_info" and bool(status.question)

    def _show_status(self) -> None:
        status, t = self._status, self.tr.t
        if status is None:
            return
        self.state.setText(self._headline(status))
        self.explanation.setText(t(f"state.{self._state_key(status)}.explain"))
        self.question.setVisible(bool(status.question))
        if status.question:
            self.question.setText(t("status.question", question=status.question))
        answerable = self._can_answer()
        self.answer_button.setVisible(answerable)
        # The answer (and a question with its button) needs the room; touching the number or
        # the code brings the keys back.
        self.keyboard.setVisible(False)
        self.result.show()

    def _state_key(self, status) -> str:
        state = status.status if status.status in KNOWN_STATES else "unknown"
        return "ready" if status.document_ready else state

    def _headline(self, status) -> str:
        t = self.tr.t
        state = t(f"state.{self._state_key(status)}")
        return t("status.headline", reference=status.reference, state=state)

    # -- answering the clerk's question ---------------------------------------------------

    def on_answer_clicked(self) -> None:
        if not self._can_answer():
            return
        self._staff = None
        self.pinpad.clear()
        self.pinpad.set_locked(False)
        self.stages.setCurrentIndex(PIN)
        self.retranslate()

    def on_pin_submitted(self, pin: str) -> None:
        self.pinpad.check(
            self.ctx.bridge, pin, self.on_pin_accepted, lambda error: describe(self.tr, error)
        )

    def on_pin_accepted(self, staff: dict) -> None:
        self._staff = dict(staff)
        self.pinpad.set_locked(False)
        self._clear_answer()
        self.stages.setCurrentIndex(ANSWER)
        self.answer_keyboard.set_mode("cyrillic")
        self.answer.setFocus()
        self.retranslate()

    def on_answer_touched(self) -> None:
        self.answer_keyboard.set_target(self.answer, auto_capitals="sentence")

    def on_answer_changed(self) -> None:
        self._show_count()
        if not self.answer_problem.isHidden():
            self._show_answer_problem(self._answer_problem())

    def on_send_clicked(self) -> None:
        problem = self._answer_problem()
        self._show_answer_problem(problem)
        if problem or self._status is None:
            return
        self.send_button.setEnabled(False)
        self.ctx.bridge.call(
            self.ctx.app.answer_question,
            self._status.reference,
            self.answer.text().strip(),
            (self._staff or {}).get("staff_id"),
            on_done=self.on_answer_saved,
            on_error=self.on_answer_failed,
        )

    def on_answer_saved(self, _result) -> None:
        # The answer is committed in the kiosk; read the request's state back as it now is.
        reference, code = self._looked_up or (self._status.reference, "")
        self.ctx.bridge.call(
            self.ctx.app.look_up_request,
            reference,
            code,
            on_done=self.on_answer_sent,
            on_error=lambda _error: self.on_answer_sent(None),
        )

    def on_answer_sent(self, status) -> None:
        """The answer is saved; ``status`` is the request's state now (``None``: not read)."""
        self.send_button.setEnabled(True)
        self._sent_status = status
        self._status = status
        self.sent_card.setVisible(status is not None)
        self._clear_answer()
        self._staff = None
        self.stages.setCurrentIndex(SENT)
        self.retranslate()

    def on_answer_failed(self, error: Exception) -> None:
        self.send_button.setEnabled(True)
        self._show_answer_problem(describe(self.tr, error), error)

    def on_cancel_clicked(self) -> None:
        self._staff = None
        self.pinpad.clear()
        self._clear_answer()
        self.stages.setCurrentIndex(LOOKUP)
        self.retranslate()

    def on_finish_clicked(self) -> None:
        self.navigate_requested.emit("finish")

    def _answer_problem(self) -> str | None:
        text = self.answer.text().strip()
        if not text:
            return self.tr.t("status.answer_empty")
        if len(text) > MAX_ANSWER_CHARS:
            return self.tr.t(
                "status.answer_too_long",
                characters=self.tr.count(len(text), "character"),
                limit=MAX_ANSWER_CHARS,
                over=self.tr.count(len(text) - MAX_ANSWER_CHARS, "character"),
            )
        return None

    def _show_answer_problem(self, problem: str | None, error: Exception | None = None) -> None:
        self._answer_error = error  # a refusal from the worker, re-described on a language switch
        self.answer_problem.setText(problem or "")
        self.answer_problem.setVisible(bool(problem))
        self.answer_count.setVisible(not problem)  # the message takes its place (and says more)
        self.answer.setProperty("invalid", bool(problem))
        restyle(self.answer)

    def _show_count(self) -> None:
        self.answer_count.setText(
            self.tr.t("status.answer_count", count=len(self.answer.text()), limit=MAX_ANSWER_CHARS)
        )

    def _clear_answer(self) -> None:
        self.answer.clear()
        self._show_answer_problem(None)
        self.send_button.setEnabled(True)

    # -- texts ----------------------------------------------------------------------------

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        stage = self.stages.currentIndex()
        self.header.title.setText(
            t("status.answer_title" if stage in (PIN, ANSWER) else "status.title")
        )
        self.prompt.setText(t("status.prompt"))
        self.reference.setPlaceholderText(t("status.placeholder"))
        self.code_label.setText(t("status.code_label"))
        self.code.setPlaceholderText(t("status.code_placeholder"))
        self.look_button.setText(t("status.look"))
        self.answer_button.setText(t("status.answer_button"))
        self.pin_explanation.setText(t("status.answer_pin"))
        self.pin_cancel.setText(t("status.answer_cancel"))
        self.answer_cancel.setText(t("status.answer_cancel"))
        self.send_button.setText(t("status.answer_send"))
        self.answer_label.setText(t("status.answer_label"))
        self.answer.setPlaceholderText(t("status.answer_placeholder"))
        self.answer_staff.setText(
            t("status.answer_by", name=self._staff.get("name", "")) if self._staff else ""
        )
        if self._status is not None and self._status.question:
            self.answer_question.setText(t("status.question", question=self._status.question))
        self._show_count()
        if not self.answer_problem.isHidden():
            error = self._answer_error
            self.answer_problem.setText(
                describe(self.tr, error) if error else self._answer_problem() or ""
            )
        self.sent_title.setText(t("status.answer_sent"))
        self.sent_note.setText(t("status.answer_sent_note"))
        self.finish_button.setText(t("status.answer_finish"))
        if self._sent_status is not None:
            self.sent_state.setText(self._headline(self._sent_status))
            self.sent_explanation.setText(t(f"state.{self._state_key(self._sent_status)}.explain"))
        self._show_status()
