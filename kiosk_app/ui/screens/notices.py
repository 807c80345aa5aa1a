"""Announcements, the council's agendas, drafts under consultation and decisions, newest first.

A draft under public consultation (``council_consultation``) has a "Comment" button: the
villager types a comment on the on-screen keyboard, with their name or without it, and it is
queued for central (``comment_on_draft`` on the worker), where the council's secretary reads it.
A notice with an attached PDF has "Отворете документа (PDF)": the viewer (``notice_pdf.py``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from ..errors import describe
from ..fields import TouchLineEdit, TouchTextArea
from ..keyboard import OnScreenKeyboard
from ..widgets import Screen, ScrollPager, button, card, clear_layout, label, touch_scrolling

CONSULTATION = "council_consultation"


class NoticesScreen(Screen):
    name = "notices"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._notices: list[dict] = []
        self._draft: dict | None = None
        self.stages = QStackedWidget()
        self.stages.addWidget(self._build_list())
        self.stages.addWidget(self._build_comment())
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stages)
        self.retranslate()

    def _build_list(self) -> QWidget:
        page = QWidget()
        self.holder = QWidget()
        self.list_layout = QVBoxLayout(self.holder)
        self.list_layout.setSpacing(14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.holder)
        touch_scrolling(scroll)
        self.pager = ScrollPager(self.tr, scroll)
        listing = QHBoxLayout()
        listing.addWidget(scroll, 1)
        listing.addWidget(self.pager)
        self.message = label("notice")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addWidget(self.message)
        layout.addLayout(listing, 1)
        return page

    def _build_comment(self) -> QWidget:
        page = QWidget()
        self.comment_title = label("title")
        self.comment_label = label(wrap=False)
        self.comment = TouchTextArea()
        self.comment.setObjectName("input-comment")
        self.comment.setMinimumHeight(110)
        self.comment.touched.connect(
            lambda: self.keyboard.set_target(self.comment, auto_capitals="sentence")
        )
        self.name_label = label(wrap=False)
        self.author = TouchLineEdit()
        self.author.setObjectName("input-comment-name")
        self.author.touched.connect(lambda: self.keyboard.set_target(self.author))
        self.comment_problem = label("error")
        self.comment_problem.hide()
        self.cancel_button = button()
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.send_button = button("primary")
        self.send_button.setObjectName("send-comment")
        self.send_button.clicked.connect(self.on_send_clicked)
        self.keyboard = OnScreenKeyboard(self.tr)
        self.keyboard.set_target(self.comment, auto_capitals="sentence")
        actions = QHBoxLayout()
        actions.addWidget(self.comment_problem, 1)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.send_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 10, 24, 6)
        layout.setSpacing(8)
        for widget in (self.comment_title, self.comment_label):
            layout.addWidget(widget)
        layout.addWidget(self.comment, 1)
        layout.addWidget(self.name_label)
        layout.addWidget(self.author)
        layout.addLayout(actions)
        layout.addWidget(self.keyboard)
        return page

    def enter(self) -> None:
        self.stages.setCurrentIndex(0)
        self.message.setText(self.tr.t("common.loading"))
        self.message.show()
        self.ctx.bridge.call(
            self.ctx.app.list_notices, on_done=self.on_notices_loaded, on_error=self.on_failed
        )

    def wipe(self) -> None:
        self._draft = None
        self.comment.clear()
        self.author.clear()
        self.comment_problem.hide()
        self.stages.setCurrentIndex(0)

    def has_input(self) -> bool:
        return bool(self.comment.text().strip() or self.author.text().strip())

    def on_notices_loaded(self, notices: list[dict]) -> None:
        self._notices = sorted(notices, key=lambda n: n.get("published_at") or "", reverse=True)
        self._rebuild()

    def on_failed(self, _error: Exception) -> None:
        self._notices = []
        self._rebuild(self.tr.t("notices.unavailable"))

    def _rebuild(self, message: str | None = None) -> None:
        clear_layout(self.list_layout)
        if message is None and not self._notices:
            message = self.tr.t("notices.empty")
        self.message.setText(message or "")
        self.message.setVisible(bool(message))
        for notice in self._notices:
            frame = card()
            box = QVBoxLayout(frame)
            box.setContentsMargins(20, 12, 20, 12)
            when = label("subtle")
            kind = self.tr.t(f"notices.kind_{notice.get('kind', 'announcement')}")
            # The notice's own date (a decision's, a session's), not when it reached the kiosk.
            day = notice.get("date") or notice.get("published_at")
            when.setText(f"{self.tr.date(day)} · {kind}")
            title = label("title")
            title.setText(self.tr.pick(notice.get("title")))
            body = label()
            body.setText(self.tr.pick(notice.get("body")))
            for widget in (when, title, body):
                box.addWidget(widget)
            if notice.get("pdf"):  # the attached document, in the kiosk's own viewer
                open_pdf = button()
                open_pdf.setObjectName(f"pdf-{notice.get('id')}")
                open_pdf.setText(self.tr.t("notices.open_pdf"))
                open_pdf.clicked.connect(lambda _=False, chosen=notice: self.on_pdf_clicked(chosen))
                box.addWidget(open_pdf)
            if notice.get("kind") == CONSULTATION:
                comment = button("primary")
                comment.setObjectName(f"comment-{notice.get('id')}")
                comment.setText(self.tr.t("notices.comment"))
                comment.clicked.connect(
                    lambda _=False, chosen=notice: self.on_comment_clicked(chosen)
                )
                box.addWidget(comment)
            self.list_layout.addWidget(frame)
        self.list_layout.addStretch(1)

    def on_pdf_clicked(self, notice: dict) -> None:
        self.ctx.session.notice = notice
        self.navigate_requested.emit("notice_pdf")

    # -- a comment on a draft --------------------------------------------------------------

    def on_comment_clicked(self, notice: dict) -> None:
        self._draft = notice
        self.comment.clear()
        self.author.clear()
        self.comment_problem.hide()
        self.comment_title.setText(self.tr.pick(notice.get("title")))
        self.keyboard.set_target(self.comment, auto_capitals="sentence")
        self.stages.setCurrentIndex(1)

    def on_cancel_clicked(self) -> None:
        self.wipe()

    def on_send_clicked(self) -> None:
        text = self.comment.text().strip()
        if not text:
            self.comment_problem.setText(self.tr.t("notices.comment_empty"))
            self.comment_problem.show()
            return
        self.send_button.setEnabled(False)
        self.ctx.bridge.call(
            self.ctx.app.comment_on_draft,
            self._draft["id"],
            text,
            self.author.text().strip() or None,
            on_done=self.on_comment_sent,
            on_error=self.on_comment_failed,
        )

    def on_comment_sent(self, _record_id: str) -> None:
        self.send_button.setEnabled(True)
        self.wipe()
        self.message.setText(self.tr.t("notices.comment_sent"))
        self.message.show()

    def on_comment_failed(self, error: Exception) -> None:
        self.send_button.setEnabled(True)
        self.comment_problem.setText(describe(self.tr, error))
        self.comment_problem.show()

    def retranslate(self, _language: str = "") -> None:
        self.header.title.setText(self.tr.t("notices.title"))
        self.comment_label.setText(self.tr.t("notices.comment_text"))
        self.name_label.setText(self.tr.t("notices.comment_name"))
        self.cancel_button.setText(self.tr.t("notices.comment_cancel"))
        self.send_button.setText(self.tr.t("notices.comment_send"))
        if self.isVisible() and self.stages.currentIndex() == 0:
            self._rebuild()
