"""Kiosk start-up and memory: cold start to the welcome screen, and RSS after a villager's visit.

``run()`` starts a fresh Python per measurement (offscreen Qt), so imports and fonts are cold
for Python (the OS file cache stays warm, as it is on a kiosk after the first boot).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
started = time.perf_counter()
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from kiosk_app.config import KioskConfig
config = KioskConfig(home=__import__("pathlib").Path(sys.argv[1]))
from kiosk_app import gui
from kiosk_app.app import KioskApp
from kiosk_app.ui.context import UiSettings
app = gui._application()
services = KioskApp(config)
window, bridge = gui.build_window(services, UiSettings(village_name=gui.village_name(services)))
window.resize(1920, 1080)
window.show()
app.processEvents()
cold_start = time.perf_counter() - started

from kiosk_app.ui.tour import settle
welcome = window.screens["welcome"]
welcome.services_tile.click(); settle(app, bridge)
card = window.screens["services"]._cards[0][1]
card.choose_button.click(); settle(app, bridge)
form = window.screens["form"]
answers = json.loads(sys.argv[2])
window.ctx.session.fields.update(answers)
while window.current.name == "form":
    form._show_page(form._page_index); form.on_next_clicked(); settle(app, bridge)
window.screens["staff_confirm"].on_skip_clicked(); settle(app, bridge)
window.screens["review"].submit_button.click(); settle(app, bridge); settle(app, bridge)
assert window.current.name == "done", window.current.name
window.screens["done"].finish_button.click(); settle(app, bridge)
rss_kb = 0
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        rss_kb = int(line.split()[1])
bridge.shutdown()
print(json.dumps({"cold_start_s": cold_start, "rss_mb": rss_kb / 1024}))
"""


def _enrolled_home(home: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from kiosk_app.config import KioskConfig
    from kiosk_app.enrollment import enroll
    from tests.fixtures_kiosk import VALID_FIELDS, FakeCentral

    catalogue = json.loads((ROOT / "central_api" / "catalogue" / "services.json").read_text())
    first = catalogue["services"][0]
    central = FakeCentral(catalogue={**catalogue, "services": [first]})
    enroll(KioskConfig(home=home), "http://central.invalid", "token", transport=central)
    from kiosk_app.ui.tour import sample_answers

    return sample_answers(first) or VALID_FIELDS


def run(repeats: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-kiosk-") as tmp:
        home = Path(tmp) / "kiosk"
        answers = _enrolled_home(home)
        results = []
        for _ in range(repeats):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(home), json.dumps(answers)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                check=True,
                timeout=120,
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "kiosk_cold_start_s": round(min(r["cold_start_s"] for r in results), 3),
        "kiosk_rss_mb_after_flow": round(max(r["rss_mb"] for r in results), 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
