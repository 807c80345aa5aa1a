"""The kiosk's window: every screen in one stack, the idle countdown over them, and the wipe.

Signals of :class:`KioskWindow`:

- ``screen_changed(str)``: the name of the screen now shown.
- ``session_wiped()``: the villager's data was forgotten (finish, home or idle time-out).

"⌂ Home" with answers typed and not yet sent asks first (:class:`LeaveOverlay`); with nothing
typed it goes home at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from .context import KioskContext
from .idle import IdleWatcher
from .screens.done import DoneScreen
from .screens.form import FormScreen
from .screens.guide import GuideScreen
from .screens.notice_pdf import NoticePdfScreen
from .screens.notices import NoticesScreen
from .screens.privacy import PrivacyScreen
from .screens.review import ReviewScreen
from .screens.services import ServicesScreen
from .screens.staff_confirm import StaffConfirmScreen
from .screens.staff_panel import StaffPanelScreen
from .screens.status import StatusScreen
from .screens.welcome import WelcomeScreen
from .theme import LARGE_TEXT_SCALE, style_sheet
from .widgets import ACTS_AT_ONCE, button, label

SCREENS = (
    WelcomeScreen,
    ServicesScreen,
    GuideScreen,
    PrivacyScreen,
    FormScreen,
    StaffConfirmScreen,
    ReviewScreen,
    DoneScreen,
    StatusScreen,
    NoticesScreen,
    NoticePdfScreen,
    StaffPanelScreen,
)


class IdleOverlay(QFrame):
    """The "are you still there?" banner over the whole window."""

    def __init__(self, ctx: KioskContext, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("idle-overlay")
        self.setStyleSheet(
            "QFrame#idle-overlay { background: rgba(0, 0, 0, 170); }"
            "QFrame#idle-box { background: #fff4cc; border: 6px solid #f2b400; border-radius: 24px; }"
            "QFrame#idle-box QLabel { background: #fff4cc; }"
        )
        self._ctx = ctx
        box = QFrame(self)
        box.setObjectName("idle-box")
        self.question = label("title")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = label("huge")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.continue_button = button("primary", min_height=90)
        self.continue_button.setProperty(ACTS_AT_ONCE, True)  # one touch extends (WCAG 2.2.1)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(40, 30, 40, 30)
        inner.setSpacing(20)
        inner.addWidget(self.question)
        inner.addWidget(self.countdown)
        inner.addWidget(self.continue_button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.hide()

    def show_seconds(self, seconds: int) -> None:
        t = self._ctx.tr.t
        self.question.setText(t("idle.question"))
        self.countdown.setText(t("idle.countdown", seconds=self._ctx.tr.count(seconds, "second")))
        self.continue_button.setText(t("idle.continue"))
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()


class LeaveOverlay(QFrame):
    """ "Stop and throw away what you typed?" over the whole window, before going home."""

    def __init__(self, ctx: KioskContext, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("leave-overlay")
        self.setStyleSheet(
            "QFrame#leave-overlay { background: rgba(0, 0, 0, 170); }"
            "QFrame#leave-box { background: #fff4cc; border: 6px solid #f2b400; border-radius: 24px; }"
            "QFrame#leave-box QLabel { background: #fff4cc; }"
        )
        self._ctx = ctx
        box = QFrame(self)
        box.setObjectName("leave-box")
        box.setMaximumWidth(1100)
        self.question = label("title")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation = label()
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.leave_button = button(min_height=90)
        self.leave_button.setObjectName("leave-yes")
        self.stay_button = button("primary", min_height=90)
        self.stay_button.setObjectName("leave-no")
        choices = QHBoxLayout()
        choices.setSpacing(24)
        choices.addWidget(self.leave_button, 1)
        choices.addWidget(self.stay_button, 1)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(40, 30, 40, 30)
        inner.setSpacing(20)
        inner.addWidget(self.question)
        inner.addWidget(self.explanation)
        inner.addLayout(choices)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.hide()

    def ask(self) -> None:
        t = self._ctx.tr.t
        self.question.setText(t("leave.question"))
        self.explanation.setText(t("leave.explanation"))
        self.leave_button.setText(t("leave.yes"))
        self.stay_button.setText(t("leave.no"))
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()


class KioskWindow(QWidget):
    """See the module docstring."""

    screen_changed = Signal(str)
    session_wiped = Signal()

    def __init__(self, ctx: KioskContext):
        super().__init__()
        self.ctx = ctx
        self.setObjectName("kiosk-window")
        self.setStyleSheet(style_sheet())
        self.setWindowTitle("Kiosk")
        self.stack = QStackedWidget()
        self._showing = ""
        self.screens = {}
        for screen_class in SCREENS:
            screen = screen_class(ctx)
            screen.navigate_requested.connect(self.on_navigate_requested)
            # The window takes the screen's size; no page may make it larger than the glass.
            screen.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self.screens[screen.name] = screen
            self.stack.addWidget(screen)
            # A screen of several stages (PIN, then details): each stage is read as it opens.
            for stages in screen.findChildren(QStackedWidget):
                stages.currentChanged.connect(self._stage_reader(screen))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.leave_overlay = LeaveOverlay(ctx, self)
        self.leave_overlay.leave_button.clicked.connect(self.on_leave_confirmed)
        self.leave_overlay.stay_button.clicked.connect(self.leave_overlay.hide)
        self.overlay = IdleOverlay(ctx, self)
        self.overlay.continue_button.clicked.connect(self.on_idle_resumed)
        settings = ctx.settings
        self.idle = IdleWatcher(settings.idle_warn_s, settings.idle_timeout_s, self)
        self.idle.warning.connect(self.on_idle_warning)
        self.idle.timed_out.connect(self.on_idle_timed_out)
        self.idle.resumed.connect(self.on_idle_resumed)
        ctx.narrator.watch(self)
        ctx.narrator.touched.connect(self.idle.touch)  # a first touch kept back still counts
        ctx.text_size.changed.connect(self.on_text_size_changed)
        self.show_screen("welcome")

    @property
    def current(self):
        return self.stack.currentWidget()

    def _stage_reader(self, screen):
        def read_stage(_index: int) -> None:
            if self.current is screen:
                self.ctx.narrator.screen_opened(screen)

        return read_stage

    def start_idle_watch(self, app) -> None:
        app.installEventFilter(self.idle)
        self.idle.start()

    def show_screen(self, name: str) -> None:
        screen = self.screens[name]
        self._showing = name
        screen.enter()
        if self._showing != name:
            return  # the screen sent the villager elsewhere first (the form: the privacy notice)
        self.stack.setCurrentWidget(screen)
        self.ctx.narrator.screen_opened(screen)
        self.screen_changed.emit(name)

    def wipe_session(self, *, reset_language: bool = True) -> None:
        self.ctx.bridge.forget_callbacks()
        self.ctx.session.wipe()
        for screen in self.screens.values():
            screen.wipe()
        self.overlay.hide()
        self.leave_overlay.hide()
        self.ctx.narrator.reset()  # speech and large text are the villager's choice, not the next's
        self.ctx.text_size.reset()
        if reset_language:
            self.ctx.tr.set_language("bg")
        self.session_wiped.emit()

    def has_unsent_input(self) -> bool:
        """Answers typed and not yet sent: going home would lose them."""
        session = self.ctx.session
        if session.reference is not None:
            return False  # the request is saved; nothing is lost by leaving
        typed = any(str(value).strip() for value in session.fields.values())
        return typed or session.staff is not None or self.current.has_input()

    def on_leave_confirmed(self) -> None:
        self.leave_overlay.hide()
        self.wipe_session(reset_language=False)
        self.show_screen("welcome")

    def on_navigate_requested(self, name: str) -> None:
        if name == "welcome" and self.has_unsent_input():
            self.leave_overlay.ask()
            self.ctx.narrator.read(self.leave_overlay)  # the question and its two answers
            return
        if name in ("welcome", "finish"):
            # Going home abandons the visit; finishing also gives the next person Bulgarian.
            self.wipe_session(reset_language=name == "finish")
            name = "welcome"
        self.show_screen(name)

    def on_idle_warning(self, seconds: int) -> None:
        if self.current.name == "welcome" and self.ctx.session.is_empty:
            return  # nothing to protect; the welcome screen may wait for ever
        if self.overlay.isHidden():
            self.ctx.narrator.say(
                self.ctx.tr.t("speech.idle", seconds=self.ctx.tr.count(seconds, "second"))
            )
        self.overlay.show_seconds(seconds)

    def on_idle_resumed(self) -> None:
        self.overlay.hide()

    def on_idle_timed_out(self) -> None:
        self.wipe_session()
        self.show_screen("welcome")

    def on_text_size_changed(self, large: bool) -> None:
        self.setStyleSheet(style_sheet(LARGE_TEXT_SCALE if large else 1.0))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())
        self.leave_overlay.setGeometry(self.rect())
