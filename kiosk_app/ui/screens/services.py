"""The catalogue: every service with what it costs, how long it takes and what to bring."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from .. import catalogue_view as view
from ..keyboard import OnScreenKeyboard
from ..widgets import Screen, ScrollPager, button, card, card_row, label, touch_scrolling


class ServicesScreen(Screen):
    name = "services"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._services: list[dict] = []
        self._guides: list[dict] = []
        self.search = QLineEdit()
        self.search.textChanged.connect(self.on_search_changed)
        self.search_button = button()
        self.search_button.setCheckable(True)
        self.search_button.toggled.connect(self.on_search_toggled)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)

        self.message = label("notice")
        self.message.hide()
        self.list_holder = QWidget()
        self.list_layout = QVBoxLayout(self.list_holder)
        self.list_layout.setSpacing(14)
        self.list_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.list_holder)
        touch_scrolling(scroll)
        self.scroll = scroll
        self.pager = ScrollPager(ctx.tr, scroll)
        listing = QHBoxLayout()
        listing.addWidget(scroll, 1)
        listing.addWidget(self.pager)

        self.keyboard = OnScreenKeyboard(ctx.tr)
        self.keyboard.set_target(self.search, auto_capitals=False)
        self.keyboard.hide()

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(24, 14, 24, 8)
        layout.setSpacing(12)
        layout.addLayout(search_row)
        layout.addWidget(self.message)
        layout.addLayout(listing, 1)
        layout.addWidget(self.keyboard)
        self._cards: list[tuple[dict, QWidget]] = []
        ctx.text_size.changed.connect(lambda _large: self._rebuild())  # buttons below in large
        self.retranslate()

    def enter(self) -> None:
        self.message.setText(self.tr.t("common.loading"))
        self.message.show()
        self.ctx.bridge.call(
            self.ctx.app.list_services,
            on_done=self.on_services_loaded,
            on_error=self.on_services_failed,
        )

    def wipe(self) -> None:
        self.search.clear()
        self.search_button.setChecked(False)

    def on_services_loaded(self, services: list[dict]) -> None:
        self._services = list(services)
        self.message.setVisible(not self._services)
        self.message.setText(self.tr.t("services.empty"))
        self._rebuild()
        self.ctx.bridge.call(self.ctx.app.list_guides, on_done=self.on_guides_loaded)

    def on_guides_loaded(self, guides: list[dict]) -> None:
        self._guides = list(guides)
        self._rebuild()

    def on_services_failed(self, error: Exception) -> None:
        self._services = []
        self.message.setText(self.tr.t("services.unavailable"))
        self.message.show()
        self._rebuild()

    def on_search_changed(self, _text: str) -> None:
        for service, widget in self._cards:
            widget.setVisible(view.matches(service, self.search.text()))

    def on_search_toggled(self, shown: bool) -> None:
        self.keyboard.setVisible(shown)
        if shown:
            self.search.setFocus()

    def on_guide_chosen(self, guide: dict) -> None:
        self.ctx.session.guide = guide
        self.navigate_requested.emit("guide")

    def on_service_chosen(self, service: dict) -> None:
        self.ctx.session.service = service
        self.ctx.session.fields = {}
        self.ctx.session.staff = None
        self.navigate_requested.emit("form")

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("services.title"))
        self.search.setPlaceholderText(t("services.search_placeholder"))
        self.search_button.setText(t("services.search_button"))
        self._rebuild()

    def _rebuild(self) -> None:
        for _service, widget in self._cards:
            widget.setParent(None)
            widget.deleteLater()
        self._cards = []
        for guide in self._guides:
            widget = self._guide_card(guide)
            self.list_layout.insertWidget(self.list_layout.count() - 1, widget)
            self._cards.append((guide, widget))
        for service in self._services:
            widget = self._service_card(service)
            self.list_layout.insertWidget(self.list_layout.count() - 1, widget)
            self._cards.append((service, widget))
        self.on_search_changed("")

    def _guide_card(self, guide: dict) -> QWidget:
        """A guide: what to do, with no request of its own (catalogue ``guides``)."""
        frame = card()
        frame.setObjectName(f"guide-{guide.get('id')}")
        name = label("title")
        name.setText(self.tr.pick(guide.get("name")))
        summary = label()
        summary.setText(self.tr.pick(guide.get("summary")))
        read = button("primary")
        read.setText(self.tr.t("services.read_guide"))
        read.clicked.connect(lambda: self.on_guide_chosen(guide))
        text = QVBoxLayout()
        text.addWidget(name)
        text.addWidget(summary)
        row = card_row(frame, self.ctx.text_size.large)
        row.addLayout(text, 1)
        row.addWidget(read, 0, Qt.AlignmentFlag.AlignRight)
        frame.choose_button = read
        return frame

    def _service_card(self, service: dict) -> QWidget:
        t, tr = self.tr.t, self.tr
        frame = card()
        frame.setObjectName(f"service-{service.get('id')}")
        name = label("title")
        name.setText(tr.pick(service.get("name")))
        summary = label()
        summary.setText(tr.pick(service.get("summary")))
        facts = label()
        facts.setText(
            "\n".join(
                (
                    t("services.fee", fee=view.fee_text(tr, service)),
                    t("services.deadline", deadline=view.slowest_deadline(tr, service)),
                    t("services.bring", items=view.bring_text(tr, service)),
                    *view.authority_lines(tr, service),
                )
            )
        )
        choose = button("primary")
        choose.setText(t("services.choose"))
        choose.clicked.connect(lambda: self.on_service_chosen(service))
        text = QVBoxLayout()
        text.addWidget(name)
        text.addWidget(summary)
        text.addWidget(facts)
        row = card_row(frame, self.ctx.text_size.large)
        row.addLayout(text, 1)
        row.addWidget(choose, 0, Qt.AlignmentFlag.AlignRight)
        frame.choose_button = choose
        return frame
