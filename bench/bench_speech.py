"""Speech: the time from a touch to the start of speech, with "Говори ми" on.

A fresh Python (offscreen Qt) opens the kiosk's window with speech on and touches the welcome
screen's tiles in turn: each first touch makes the button say its name. The clock runs from the
mouse press to the first audio samples espeak-ng produces (``--stdout``, read from its pipe as
the sound card would be fed; this machine has no sound card): through the narrator's gathering
of one event-loop turn, the speech thread, starting espeak-ng, and its synthesis of the first
buffer. Playing adds the sound card's buffer on a real kiosk (tens of milliseconds).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, queue, subprocess, sys, threading, time
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from kiosk_app import gui
from kiosk_app.app import KioskApp
from kiosk_app.config import KioskConfig
from kiosk_app.speech import EspeakVoice
from kiosk_app.ui.context import UiSettings

class FirstSoundVoice(EspeakVoice):
    # espeak-ng writing its audio to a pipe; the moment the first samples (past the 44-byte
    # WAV header) arrive is the start of speech.
    def __init__(self):
        super().__init__()
        self.first_sound = queue.Queue()

    def _start(self, utterance):
        process = subprocess.Popen(
            self._command(utterance.lang, "--stdout"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        process.stdin.write(utterance.spoken.encode("utf-8"))
        process.stdin.close()
        self._process = process
        threading.Thread(target=self._listen, args=(process,), daemon=True).start()

    def _listen(self, process):
        heard = 0
        while heard <= 44:
            chunk = process.stdout.read1(4096)
            if not chunk:
                return
            heard += len(chunk)
        self.first_sound.put(time.monotonic())
        process.stdout.read()

app = gui._application()
services = KioskApp(KioskConfig(home=Path(sys.argv[1])))
voice = FirstSoundVoice()
window, bridge = gui.build_window(services, UiSettings(), voice=voice)
window.resize(1280, 800)
window.show()
app.processEvents()
welcome = window.screens["welcome"]

def first_sound(deadline_s=10.0):
    # The event loop turns meanwhile: the narrator speaks from it.
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        app.processEvents()
        try:
            return voice.first_sound.get(timeout=0.002)
        except queue.Empty:
            pass
    return None

QTest.mouseClick(welcome.header.speak_button, Qt.MouseButton.LeftButton)
first_sound()  # the welcome screen's reading has started
tiles = (welcome.status_tile, welcome.notices_tile)
times = []
for touch in range(int(sys.argv[2])):
    time.sleep(0.3)  # a person listens before the next touch
    while not voice.first_sound.empty():
        voice.first_sound.get()
    touched = time.monotonic()
    QTest.mouseClick(tiles[touch % 2], Qt.MouseButton.LeftButton)  # a first touch: its name
    heard = first_sound()
    if heard is not None:
        times.append(heard - touched)
window.ctx.narrator.speaker.close()
bridge.shutdown()
print(json.dumps({"touch_to_speech_s": times}))
"""


def run(touches: int = 40) -> dict:
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed (deploy/install-system-packages.sh)")
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as tmp:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(Path(tmp) / "kiosk"), str(touches)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
            check=True,
            timeout=180,
        )
    times = sorted(json.loads(out.stdout.strip().splitlines()[-1])["touch_to_speech_s"])
    if len(times) < touches:
        raise RuntimeError(f"only {len(times)} of {touches} touches were heard")
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {
        "speech_touch_to_speech_p95_ms": round(p95 * 1000, 1),
        "speech_touch_to_speech_median_ms": round(times[len(times) // 2] * 1000, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
