"""A guide of the catalogue ("a relative has died — what to do"): plain steps, read on the
screen, and the services it points to, each one touch away. A guide takes no request."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from ..widgets import Screen, button, clear_layout, label


class GuideScreen(Screen):
    name = "guide"
    back_target = "services"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._services: list[dict] = []
        self.summary = label()
        self.steps_holder = QWidget()
        self.steps_layout = QVBoxLayout(self.steps_holder)
        self.steps_layout.setSpacing(12)
        self.offered = label("title")
        self.buttons_holder = QWidget()
        self.buttons_layout = QVBoxLayout(self.buttons_holder)
        self.buttons_layout.setSpacing(10)
        page = QWidget()
        inner = QVBoxLayout(page)
        inner.addWidget(self.summary)
        inner.addWidget(self.steps_holder)
        inner.addWidget(self.offered)
        inner.addWidget(self.buttons_holder)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(24, 14, 24, 8)
        layout.addWidget(scroll, 1)
        self.service_buttons: list = []
        self.retranslate()

    def enter(self) -> None:
        self._services = []
        self.retranslate()
        self.ctx.bridge.call(self.ctx.app.list_services, on_done=self.on_services_loaded)

    def wipe(self) -> None:
        self._services = []
        clear_layout(self.steps_layout)
        clear_layout(self.buttons_layout)
        self.service_buttons = []

    def on_services_loaded(self, services: list[dict]) -> None:
        guide = self.ctx.session.guide or {}
        by_id = {service.get("id"): service for service in services}
        self._services = [by_id[sid] for sid in guide.get("services") or [] if sid in by_id]
        self.retranslate()

    def on_service_chosen(self, service: dict) -> None:
        self.ctx.session.service = service
        self.ctx.session.fields = {}
        self.ctx.session.staff = None
        self.navigate_requested.emit("form")

    def retranslate(self, _language: str = "") -> None:
        tr, t = self.tr, self.tr.t
        guide = self.ctx.session.guide or {}
        self.header.title.setText(tr.pick(guide.get("name")) or t("guide.title"))
        self.summary.setText(tr.pick(guide.get("summary")) or "")
        clear_layout(self.steps_layout)
        steps = (guide.get("steps") or {}).get(tr.language) or []
        for number, step in enumerate(steps, start=1):
            line = label()
            line.setText(f"{number}. {step}")
            self.steps_layout.addWidget(line)
        clear_layout(self.buttons_layout)
        self.service_buttons = []
        self.offered.setText(t("guide.offered") if self._services else "")
        for service in self._services:
            choose = button("primary")
            choose.setText(t("guide.ask_here", name=tr.pick(service.get("name"))))
            choose.clicked.connect(lambda _=False, chosen=service: self.on_service_chosen(chosen))
            self.buttons_layout.addWidget(choose)
            self.service_buttons.append(choose)
