"""A notice's attached PDF (a council decision, an agenda), one page at a time.

The pages are drawn on the worker by ``KioskApp.render_notice_page`` (PDFium, kiosk_app/
notice_pdf.py: PySide6-Essentials has no QtPdf) as wide as the glass times the zoom; this screen
only shows the pixels. Large buttons turn the pages ("Страница 1 от 3"), "+ По-едро" and
"− По-дребно" zoom for poor sight (the page then scrolls by touch), and the header's "◀ Назад"
goes back to the notices. With speech on, the title and the page are read as the screen opens
and at each page turn.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout

from ..errors import describe
from ..widgets import Screen, button, label, touch_scrolling
from ..wrap import WrapRow

ZOOMS = (1.0, 1.5, 2.0, 3.0)  # times the width that fits the glass


class NoticePdfScreen(Screen):
    name = "notice_pdf"
    back_target = "notices"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._page = 1
        self._pages = 0
        self._zoom = 0
        self.title = label("title")
        self.where = label()  # body size: in large text at 1280x800 the page needs the height
        self.where.setObjectName("pdf-where")
        self.where.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem = label("error")
        self.problem.hide()
        self.image = QLabel()
        self.image.setObjectName("pdf-page")
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.image)
        touch_scrolling(self.scroll)
        self.scroll.setMinimumHeight(240)
        self.previous_button = button(min_height=84)
        self.previous_button.setObjectName("pdf-previous")
        self.previous_button.clicked.connect(lambda: self._turn(-1))
        self.next_button = button("primary", min_height=84)
        self.next_button.setObjectName("pdf-next")
        self.next_button.clicked.connect(lambda: self._turn(1))
        self.smaller_button = button(min_height=84)
        self.smaller_button.setObjectName("pdf-smaller")
        self.smaller_button.clicked.connect(lambda: self._set_zoom(self._zoom - 1))
        self.larger_button = button(min_height=84)
        self.larger_button.setObjectName("pdf-larger")
        self.larger_button.clicked.connect(lambda: self._set_zoom(self._zoom + 1))
        controls = WrapRow(spacing=12)
        for control in (
            self.previous_button,
            self.next_button,
            self.smaller_button,
            self.larger_button,
        ):
            controls.add(control)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(24, 10, 24, 8)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.problem)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.where)
        layout.addLayout(controls)
        self.retranslate()

    @property
    def page(self) -> tuple[int, int]:
        """(the page shown, how many pages), counted from 1; (1, 0) before the first is drawn."""
        return self._page, self._pages

    def enter(self) -> None:
        self._page, self._pages, self._zoom = 1, 0, 0
        self.image.clear()
        self.problem.hide()
        self.retranslate()
        self._render()

    def wipe(self) -> None:
        self._page, self._pages, self._zoom = 1, 0, 0
        self.image.clear()

    def on_page_rendered(self, rendered) -> None:
        self._page, self._pages = rendered.page, rendered.pages
        image = QImage(
            rendered.pixels,
            rendered.width,
            rendered.height,
            rendered.stride,
            QImage.Format.Format_RGB888,
        ).copy()  # the bytes belong to the worker's answer
        self.image.setPixmap(QPixmap.fromImage(image))
        self.problem.hide()
        self.retranslate()

    def on_render_failed(self, error: Exception) -> None:
        self.problem.setText(describe(self.tr, error))
        self.problem.show()
        self.ctx.narrator.read(self.problem)

    def _turn(self, step: int) -> None:
        if self._pages and 1 <= self._page + step <= self._pages:
            self._page += step
            self._render(read=True)

    def _set_zoom(self, zoom: int) -> None:
        if 0 <= zoom < len(ZOOMS):
            self._zoom = zoom
            self._render()

    def _render(self, *, read: bool = False) -> None:
        notice = self.ctx.session.notice
        if not notice:
            return
        # As wide as the glass leaves beside the margins and the scroll bar (the viewport is
        # not laid out yet when the screen opens), times the zoom.
        fits = max(self.window().width() - 2 * 24 - 44 - 16, 400)
        width = fits * ZOOMS[self._zoom]

        first = not self._pages

        def shown(rendered) -> None:
            self.on_page_rendered(rendered)
            if read or first:  # the first page drawn, or a page turned: say where one is
                self.ctx.narrator.say(self.where.text())

        self.ctx.bridge.call(
            self.ctx.app.render_notice_page,
            notice["id"],
            self._page,
            int(width),
            on_done=shown,
            on_error=self.on_render_failed,
        )

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        notice = self.ctx.session.notice or {}
        self.header.title.setText(t("pdf.title"))
        self.title.setText(self.tr.pick(notice.get("title")))
        self.where.setText(
            t("pdf.where", page=self._page, pages=self._pages) if self._pages else ""
        )
        self.previous_button.setText(t("pdf.previous"))
        self.next_button.setText(t("pdf.next"))
        self.smaller_button.setText(t("pdf.smaller"))
        self.larger_button.setText(t("pdf.larger"))
        self.previous_button.setEnabled(self._page > 1)
        self.next_button.setEnabled(self._page < self._pages)
        self.smaller_button.setEnabled(self._zoom > 0)
        self.larger_button.setEnabled(self._zoom < len(ZOOMS) - 1)
