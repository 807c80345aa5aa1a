"""The request form: the fields a few at a time. How fast (when the service has tiers) is not a
page of its own: the ordinary tier is taken, and the review offers the faster one with its fee.

Who the document is for comes first, and what does not apply is not asked
(:func:`catalogue_view.form_pages` with the answers so far, worked out again at every "Next").
From the review, a tap on one answer opens its page here; "Next" goes back to the review (and
keeps the staff's confirmation) unless the change makes another answer necessary.

Answers are checked as the villager goes (``sync.catalogue.validate_field``, shared with central):
a field is checked when the villager moves on from it, and a shown problem is re-checked at every
key so it disappears as soon as the answer is right. "Next" refuses to leave a page with problems
and puts the keyboard on the first one.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sync.answers import validate_fields
from sync.catalogue import validate_field

from .. import catalogue_view as view
from ..fields import FieldEditor
from ..keyboard import OnScreenKeyboard
from ..widgets import Screen, button, clear_layout, label, touch_scrolling


class FormScreen(Screen):
    name = "form"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._pages: list = []
        self._page_index = 0
        self._editors: list[FieldEditor] = []
        self._active: FieldEditor | None = None

        self.step = label()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.page_title = label("title")

        self.page_holder = QWidget()
        self.page_layout = QVBoxLayout(self.page_holder)
        self.page_layout.setContentsMargins(0, 0, 12, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.page_holder)
        touch_scrolling(self.scroll)

        self.previous_button = button()
        self.previous_button.clicked.connect(self.on_previous_clicked)
        self.next_button = button("primary")
        self.next_button.clicked.connect(self.on_next_clicked)
        # One row for where you are and where to go: the keyboard needs the height.
        where = QVBoxLayout()
        where.setSpacing(2)
        where.addWidget(self.page_title)
        steps = QHBoxLayout()
        steps.addWidget(self.step)
        steps.addWidget(self.progress, 1)
        where.addLayout(steps)
        nav = QHBoxLayout()
        nav.addWidget(self.previous_button)
        nav.addSpacing(16)
        nav.addLayout(where, 1)
        nav.addSpacing(16)
        nav.addWidget(self.next_button)

        self.keyboard = OnScreenKeyboard(ctx.tr)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(24, 10, 24, 6)
        layout.setSpacing(8)
        layout.addLayout(nav)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.keyboard)
        self.retranslate()

    # -- navigation -----------------------------------------------------------------------

    def enter(self) -> None:
        service = self.ctx.session.service
        if service is None:
            self.navigate_requested.emit("services")
            return
        if not self.ctx.session.privacy_told:
            # Before the first personal field: what happens to the data (once a visit).
            self.navigate_requested.emit("privacy")
            return
        self._pages = self._compute_pages()
        self.ctx.session.tier = self.ctx.session.tier or view.tiers_of(service)[0]["id"]
        self.header.title.setText(self.tr.pick(service.get("name")))
        editing = self.ctx.session.editing
        self._label_buttons()
        self._show_page(self._page_of(editing) if editing else 0)

    def _label_buttons(self) -> None:
        t, editing = self.tr.t, self.ctx.session.editing
        self.previous_button.setText(t("form.back_to_review" if editing else "form.previous"))
        self.next_button.setText(t("form.save_answer" if editing else "form.next"))

    def _compute_pages(self) -> list:
        service = self.ctx.session.service
        return view.form_pages(service, self.ctx.settings.fields_per_page, self.ctx.session.fields)

    def _page_of(self, name: str) -> int:
        """The page that asks ``name``; the first page if none."""
        for index, page in enumerate(self._pages):
            if any(field["name"] == name for field in page):
                return index
        return 0

    def _page_key(self, index: int) -> str:
        return self._pages[index][0]["name"]

    def wipe(self) -> None:
        self._pages = []
        self._clear_page()

    def on_previous_clicked(self) -> None:
        self._store_page()
        if self.ctx.session.editing:
            self._back_to_review()
            return
        if self._page_index == 0:
            self.navigate_requested.emit("services")
        else:
            self._show_page(self._page_index - 1)

    def on_next_clicked(self) -> None:
        self._store_page()
        if not self._check_page():
            return
        # The answers on this page may have changed what is asked ("for me" / "for another").
        here = self._page_key(self._page_index)
        self._pages = self._compute_pages()
        index = self._page_of(here)
        if self.ctx.session.editing:
            missing = self._first_problem()
            if missing is None:
                self._back_to_review()
                return
            if missing != here:
                self._show_page(self._page_of(missing))
                self._check_page()
                return
        if index + 1 < len(self._pages):
            self._show_page(index + 1)
        else:
            self.navigate_requested.emit("staff_confirm")

    def _first_problem(self) -> str | None:
        """The first asked field whose answer is missing or wrong, for the answers now."""
        service = self.ctx.session.service
        answers = view.asked_answers(service, self.ctx.session.fields)
        asked = {field["name"] for field in view.asked_fields(service, answers)}
        problems = [p for p in validate_fields(service, answers) if p.field in asked]
        return problems[0].field if problems else None

    def _back_to_review(self) -> None:
        self.ctx.session.editing = None
        self.navigate_requested.emit("review")

    def total_steps(self) -> int:
        return len(self._pages) + 2  # and then staff confirmation, review

    # -- fields ---------------------------------------------------------------------------

    def editor(self, name: str) -> FieldEditor:
        """The editor of a field on the current page (tests use it to find their way)."""
        return next(editor for editor in self._editors if editor.name == name)

    def current_page_problems(self) -> list[str]:
        """Names of the fields on this page that show a problem now."""
        return [editor.name for editor in self._editors if editor.has_problem]

    def _on_page(self, name: str) -> FieldEditor | None:
        # Editors of a page just left may still report focus while Qt deletes them.
        return next((editor for editor in self._editors if editor.name == name), None)

    def on_field_focused(self, name: str) -> None:
        editor = self._on_page(name)
        if editor is None:
            return
        previous = self._active
        self._activate(editor)
        if previous is not None and previous is not self._active:
            self._check(previous)

    def on_field_edited(self, name: str) -> None:
        editor = self._on_page(name)
        if editor is None:
            return
        self.ctx.session.fields[name] = editor.value()
        if editor.has_problem or editor.line_edit is None:
            self._check(editor)
        if name.endswith("_kind"):  # the kind of a personal number decides its check
            number = name.removesuffix("_kind")
            for other in self._editors:
                if other.name == number and other.has_problem:
                    self._check(other)

    # -- internals ------------------------------------------------------------------------

    def _show_page(self, index: int) -> None:
        self._clear_page()
        self._page_index = index
        page = self._pages[index]
        self.step.setText(self.tr.t("form.step", n=index + 1, total=self.total_steps()))
        self.progress.setMaximum(self.total_steps())
        self.progress.setValue(index + 1)
        compact = view.is_compact(page, self.ctx.settings.fields_per_page)
        self.page_layout.setSpacing(4 if compact else 10)
        kinds = {}
        for field in page:
            value = self.ctx.session.fields.get(field["name"], "")
            kind = kinds.get(f"{field['name']}_kind")
            editor = FieldEditor(field, self.tr, value, compact=compact, kind=kind)
            if field["name"].endswith("_kind") and field.get("type") == "choice":
                kinds[field["name"]] = editor  # beside its number, which comes next
            editor.edited.connect(self.on_field_edited)
            editor.focused.connect(self.on_field_focused)
            self._editors.append(editor)
            self.page_layout.addWidget(editor)
        self.page_layout.addStretch(1)
        self._retitle()
        first_text = next((e for e in self._editors if e.line_edit is not None), None)
        self.keyboard.setVisible(first_text is not None)
        self._active = None
        if first_text is not None:
            self._activate(first_text)
        self.scroll.verticalScrollBar().setValue(0)
        self.ctx.narrator.screen_opened(self)  # a new page is read like a new screen

    def _clear_page(self) -> None:
        clear_layout(self.page_layout)
        self._editors = []
        self._active = None
        self.keyboard.set_target(None)

    def _activate(self, editor: FieldEditor) -> None:
        self._active = editor
        for other in self._editors:
            other.show_help(other is editor)
        if editor.line_edit is not None:
            self.keyboard.set_target(editor.line_edit, auto_capitals=editor.wants_capitals)
            self.keyboard.set_mode(editor.keyboard_mode)
            editor.line_edit.setFocus()
            self._show_box(editor)
            QTimer.singleShot(0, lambda: self._show_box(editor))  # again, once laid out

    def _show_box(self, editor: FieldEditor) -> None:
        """Scroll the page so that the editor, and at least its box, are in view."""
        if editor in self._editors and editor.line_edit is not None:
            self.scroll.ensureWidgetVisible(editor)
            self.scroll.ensureWidgetVisible(editor.line_edit)  # the box first, if not both

    def _store_page(self) -> None:
        for editor in self._editors:
            self.ctx.session.fields[editor.name] = editor.value()

    def _check(self, editor: FieldEditor) -> bool:
        problem = validate_field(editor.field, editor.value(), others=self.ctx.session.fields)
        editor.show_problem(self.tr.pick(problem.message) if problem else None)
        return problem is None

    def _check_page(self) -> bool:
        bad = [editor for editor in self._editors if not self._check(editor)]
        if bad:
            self._activate(bad[0])
        return not bad

    def _retitle(self) -> None:
        if not self._pages:
            return
        self.page_title.setText(view.page_title(self.tr, self._pages[self._page_index]))

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        service = self.ctx.session.service
        self.header.title.setText(self.tr.pick(service.get("name")) if service else t("form.title"))
        self._label_buttons()
        if self._pages:
            self._store_page()
            with_problems = [editor.name for editor in self._editors if editor.has_problem]
            self._show_page(self._page_index)
            for editor in self._editors:
                if editor.name in with_problems:
                    self._check(editor)
