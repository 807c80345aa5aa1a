"""Starting the touchscreen application, and the screenshot tour of every screen.

``main(config, windowed=False)`` is what ``kiosk-app run`` calls: it starts in logged steps (Qt,
the worker, the window) and shuts down the worker when the window closes.
``tour(config_or_home, outdir)`` renders every screen in both languages at 1920x1080 and
1280x800 to PNG files, working on a copy of the kiosk's home so the real queue is never touched.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .app import KioskApp
from .config import KioskConfig
from .pins import provision_staff
from .worker import ServiceBridge

log = logging.getLogger(__name__)

SIZES = ((1920, 1080), (1280, 800))
NOT_ENROLLED_TITLE = {"bg": "Информационен център", "en": "Information centre"}
TOUR_PIN = "2468"


def _application():
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 22))
    return app


def village_name(services) -> dict:
    """The village's name from the municipality profile central sent at enrollment."""
    try:
        return services.kiosk_info().village_name
    except Exception:  # not enrolled yet: the welcome screen shows the generic title
        log.info("kiosk not enrolled; no village name to show")
        return dict(NOT_ENROLLED_TITLE)


def build_window(app: KioskApp, settings=None, voice=None):
    """The window and its bridge over the application ``app`` (tests pass their own settings,
    and a :class:`kiosk_app.speech.RecordingVoice` for ``voice``; default: espeak-ng)."""
    from .speech import EspeakVoice, Speaker
    from .ui.access import TextSize
    from .ui.context import KioskContext, UiSettings
    from .ui.i18n import Translator
    from .ui.narrator import Narrator
    from .ui.session import Session
    from .ui.window import KioskWindow

    bridge = ServiceBridge(app)
    settings = settings or UiSettings(village_name=village_name(app))
    tr = Translator()
    ctx = KioskContext(
        tr=tr,
        bridge=bridge,
        session=Session(),
        settings=settings,
        app=app,
        narrator=Narrator(tr, Speaker(voice or EspeakVoice())),
        text_size=TextSize(),
    )
    return KioskWindow(ctx), bridge


def main(config: KioskConfig, windowed: bool = False) -> int:
    from .ui.context import UiSettings

    log.info("kiosk: starting Qt")
    app = _application()
    services = KioskApp(config)
    services.release_waiting()  # records an older software kept aside apply before anything
    height = app.primaryScreen().size().height() if app.primaryScreen() else 1080
    settings = UiSettings(
        village_name=village_name(services), fields_per_page=3 if height >= 1000 else 1
    )
    log.info("kiosk: starting the worker and the window")
    window, bridge = build_window(services, settings)
    window.start_idle_watch(app)
    if windowed:
        window.resize(1280, 800)
        window.show()
    else:
        window.showFullScreen()
    app.aboutToQuit.connect(bridge.shutdown)
    app.aboutToQuit.connect(window.ctx.narrator.speaker.close)
    log.info("kiosk: running")
    return app.exec()


# ------------------------------------------------------------------------------------------ tour


def _demo_copy(config: KioskConfig, workdir: Path) -> tuple[KioskConfig, KioskApp]:
    """A throw-away copy of the kiosk's home with demo staff, notices and one request."""
    home = workdir / "home"
    if config.home.exists():
        shutil.copytree(config.home, home)
    demo = KioskConfig(home=home, printer=None, argon2=config.argon2)  # its PIN: the kiosk's cost
    demo.ensure_home()
    services = KioskApp(demo)
    provision_staff(demo, [{"staff_id": "staff-1", "name": "Мария Петрова", "pin": TOUR_PIN}])
    decision_pdf = _demo_decision_pdf(demo.home / "notices" / "demo-214.pdf")
    with _store(demo) as store:
        store.set_setting(
            "notices",
            [
                {
                    "id": "demo-214",
                    "kind": "decision",
                    "published_at": "2026-11-20",
                    "pdf": str(decision_pdf),
                    "title": {
                        "bg": "Решение № 214 за местните такси",
                        "en": "Decision 214 on local fees",
                    },
                    "body": {
                        "bg": "Общинският съвет прие таксите за 2027 г. Текстът е в кметството.",
                        "en": "The council adopted the fees for 2027. The text is at the mayoralty.",
                    },
                },
                {
                    "kind": "announcement",
                    "published_at": "2026-11-24",
                    "title": {
                        "bg": "Кметството е затворено на 8 декември",
                        "en": "Closed on 8 December",
                    },
                    "body": {
                        "bg": "Заявки могат да се подават от киоска и тогава.",
                        "en": "Requests can still be made at the kiosk that day.",
                    },
                },
            ],
        )
    return demo, services


def _demo_decision_pdf(path: Path) -> Path:
    """A real two-page PDF for the tour's decision, so the viewer has pages to turn."""
    from printing.sheets import render_text_sheet

    path.parent.mkdir(parents=True, exist_ok=True)
    article = (
        "Общинският съвет определя размера на местните такси за 2027 г. съгласно приложението. " * 6
    )
    sections = [(f"Член {number}", article) for number in range(1, 9)]
    return render_text_sheet("Решение № 214 за местните такси", sections, path)


def _store(config):
    from .store import store_for

    return store_for(config)


def tour(config_or_home, outdir, lost=None) -> list[Path]:
    """Render every screen, both languages, both sizes (and 1280x800 in large text); return the
    PNG paths written. Beside each PNG a .txt says what the screen speaks; ``lost`` (a dict)
    gets the buttons that did not fit."""
    from .speech import RecordingVoice
    from .ui.tour import run_tour, steps_markdown, tour_settings

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    config = (
        config_or_home
        if isinstance(config_or_home, KioskConfig)
        else KioskConfig(home=Path(config_or_home).absolute())
    )
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    app = _application()
    with tempfile.TemporaryDirectory(prefix="kiosk-tour-") as workdir:
        demo, services = _demo_copy(config, Path(workdir))
        written, steps = [], {}
        for width, height in SIZES:
            settings = tour_settings(height, village_name(services))
            window, bridge = build_window(services, settings, voice=RecordingVoice())
            written += run_tour(
                app, window, bridge, outdir, width, height, pin=TOUR_PIN, lost=lost, steps=steps
            )
        # The screens of each service from the first form page to "Изпрати" (docs/kiosk.md).
        (outdir / "steps.md").write_text(steps_markdown(steps), encoding="utf-8")
        return written
