"""Announcements and council decisions published from central, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ..widgets import Screen, card, clear_layout, label


class NoticesScreen(Screen):
    name = "notices"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._notices: list[dict] = []
        self.holder = QWidget()
        self.list_layout = QVBoxLayout(self.holder)
        self.list_layout.setSpacing(14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.holder)
        self.message = label("notice")
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self.retranslate()

    def enter(self) -> None:
        self.message.setText(self.tr.t("common.loading"))
        self.message.show()
        self.ctx.bridge.call(
            self.ctx.app.list_notices, on_done=self.on_notices_loaded, on_error=self.on_failed
        )

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
            when.setText(f"{self.tr.date(notice.get('published_at'))} · {kind}")
            title = label("title")
            title.setText(self.tr.pick(notice.get("title")))
            body = label()
            body.setText(self.tr.pick(notice.get("body")))
            for widget in (when, title, body):
                box.addWidget(widget)
            self.list_layout.addWidget(frame)
        self.list_layout.addStretch(1)

    def retranslate(self, _language: str = "") -> None:
        self.header.title.setText(self.tr.t("notices.title"))
        if self.isVisible():
            self._rebuild()
