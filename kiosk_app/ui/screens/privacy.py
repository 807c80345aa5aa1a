"""Before the first personal field: who collects the data, why, on what basis, how long the
kiosk and the municipality keep them, and the villager's rights — one plain screen, with a
printed copy on request. The words are the municipality's (its profile, via
``app.privacy_notice``); without them the form is not opened and the screen says why."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QVBoxLayout

from ..errors import staff_detail
from ..widgets import Screen, button, label, touch_scrolling


class PrivacyScreen(Screen):
    name = "privacy"
    back_target = "services"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._notice: list[dict] = []
        self.intro = label()
        # One label for the whole notice: a scroll area sizes a single wrapped label right.
        self.holder = label()
        self.holder.setObjectName("privacy-text")
        self.holder.setTextFormat(Qt.TextFormat.RichText)
        self.holder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.holder)
        touch_scrolling(scroll)
        self.message = label("notice")
        self.message.setObjectName("privacy-message")
        self.message.hide()
        self.print_button = button(min_height=84)
        self.print_button.setObjectName("privacy-print")
        self.print_button.clicked.connect(self.on_print_clicked)
        self.continue_button = button("primary", min_height=84)
        self.continue_button.setObjectName("privacy-continue")
        self.continue_button.clicked.connect(self.on_continue_clicked)
        actions = QHBoxLayout()
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        actions.addWidget(self.continue_button)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(32, 12, 32, 12)
        layout.setSpacing(10)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self.retranslate()

    def enter(self) -> None:
        self.message.hide()
        self.continue_button.setEnabled(False)
        self.ctx.bridge.call(
            self.ctx.app.privacy_notice, on_done=self.on_notice, on_error=self.on_failed
        )

    def wipe(self) -> None:
        self.message.hide()

    def on_notice(self, notice: list[dict]) -> None:
        self._notice = list(notice)
        self.continue_button.setEnabled(True)
        self._fill()

    def on_failed(self, error: Exception) -> None:
        self._notice = []
        self._fill()
        self._say(staff_detail(self.tr, error))

    def on_print_clicked(self) -> None:
        self._say(self.tr.t("privacy.printing"))
        self.ctx.bridge.call(
            self.ctx.app.print_privacy_notice,
            self.tr.language,
            on_done=lambda _state: self._say(self.tr.t("privacy.printed")),
            on_error=lambda error: self._say(staff_detail(self.tr, error)),
        )

    def on_continue_clicked(self) -> None:
        self.ctx.session.privacy_told = True
        self.navigate_requested.emit("form")

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def notice_text(self) -> str:
        """The notice as plain text (what is shown, without the bold headings)."""
        return "\n".join(
            f"{self.tr.pick(item['heading'])}\n{self.tr.pick(item['text'])}"
            for item in self._notice
        )

    def _fill(self) -> None:
        self.holder.setText(
            "".join(
                f"<p><b>{escape(self.tr.pick(item['heading']))}</b><br>"
                f"{escape(self.tr.pick(item['text']))}</p>"
                for item in self._notice
            )
        )

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("privacy.title"))
        self.intro.setText(t("privacy.intro"))
        self.print_button.setText(t("privacy.print"))
        self.continue_button.setText(t("privacy.continue"))
        self._fill()
