"""The kiosk's voice: espeak-ng on the kiosk itself, nothing sent to a network.

::

    SpeechError            the synthesiser is missing or failed (the message says what to do)

``EspeakVoice`` speaks through the sound card (``say``: returns once espeak-ng has the text, a
new utterance stops the one before; the screens call it through :class:`.speaker.Speaker`, on a
thread of its own) and renders speech into a WAV file (``render``: for checking the voice on a new
kiosk, `kiosk-app speak`). ``RecordingVoice`` keeps what it was asked to say, for tests of the
screens. Both read through :func:`kiosk_app.speech.spoken.speakable`, so references, dates and
amounts are always spoken the way a person reads them.

The rate starts slower than espeak-ng's default (175 words a minute), because the kiosk's users
are mostly elderly; "slower" and "louder" move it in steps within bounds a listener can bear.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .spoken import speakable

ESPEAK_VOICES = {"bg": "bg", "en": "en-gb"}
DEFAULT_RATE = 140  # words per minute
RATE_STEP, SLOWEST, FASTEST = 20, 80, 220
DEFAULT_VOLUME = 100  # espeak-ng's amplitude, 0–200
VOLUME_STEP, QUIETEST, LOUDEST = 25, 25, 200


class SpeechError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Utterance:
    text: str  # as shown on the screen
    spoken: str  # as read aloud
    lang: str


class Voice:
    """What the screens use: say, repeat, stop, slower/faster, louder/quieter."""

    def __init__(self, rate: int = DEFAULT_RATE, volume: int = DEFAULT_VOLUME):
        self.rate = rate
        self.volume = volume
        self.last: Utterance | None = None

    def say(self, text: str, lang: str = "bg") -> Utterance:
        if lang not in ESPEAK_VOICES:
            raise SpeechError(f"No voice for language {lang!r}; the kiosk speaks bg and en.")
        utterance = Utterance(text=text, spoken=speakable(text, lang), lang=lang)
        self.stop()
        self._start(utterance)
        self.last = utterance
        return utterance

    def repeat(self) -> Utterance | None:
        if self.last is None:
            return None
        return self.say(self.last.text, self.last.lang)

    def slower(self) -> int:
        self.rate = max(SLOWEST, self.rate - RATE_STEP)
        return self.rate

    def faster(self) -> int:
        self.rate = min(FASTEST, self.rate + RATE_STEP)
        return self.rate

    def louder(self) -> int:
        self.volume = min(LOUDEST, self.volume + VOLUME_STEP)
        return self.volume

    def quieter(self) -> int:
        self.volume = max(QUIETEST, self.volume - VOLUME_STEP)
        return self.volume

    def stop(self) -> None:
        """Stop speaking now (a new screen, "Stop", or the idle wipe)."""

    def _start(self, utterance: Utterance) -> None:
        raise NotImplementedError


class EspeakVoice(Voice):
    def __init__(self, executable: str = "espeak-ng", **settings):
        super().__init__(**settings)
        self.executable = executable
        self._process: subprocess.Popen | None = None

    def _command(self, lang: str, *extra: str) -> list[str]:
        path = shutil.which(self.executable)
        if path is None:
            raise SpeechError(
                "Синтезаторът на реч espeak-ng не е инсталиран на киоска: обадете се на "
                "поддръжката. / The espeak-ng speech synthesiser is not installed on this "
                "kiosk: call support."
            )
        return [
            path, "-v", ESPEAK_VOICES[lang], "-s", str(self.rate), "-a", str(self.volume),
            *extra, "--stdin",
        ]  # fmt: skip

    def _start(self, utterance: Utterance) -> None:
        try:
            self._process = subprocess.Popen(
                self._command(utterance.lang),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            # A screen's text is far below the pipe's 64 KiB: writing it never blocks.
            self._process.stdin.write(utterance.spoken.encode("utf-8"))
            self._process.stdin.close()
        except OSError as exc:
            raise SpeechError(f"espeak-ng could not be started: {exc.strerror}.") from exc

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()

    def render(self, text: str, lang: str, out: Path, timeout: float = 60.0) -> Utterance:
        """Write the speech into a WAV file instead of the sound card."""
        if lang not in ESPEAK_VOICES:
            raise SpeechError(f"No voice for language {lang!r}; the kiosk speaks bg and en.")
        utterance = Utterance(text=text, spoken=speakable(text, lang), lang=lang)
        out = Path(out)
        try:
            result = subprocess.run(
                self._command(lang, "-w", str(out)),
                input=utterance.spoken.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            out.unlink(missing_ok=True)
            raise SpeechError(f"espeak-ng failed: {exc}.") from exc
        if result.returncode != 0:
            out.unlink(missing_ok=True)
            detail = result.stderr.decode("utf-8", "replace").strip() or f"exit {result.returncode}"
            raise SpeechError(f"espeak-ng could not render the speech: {detail}.")
        return utterance


class RecordingVoice(Voice):
    """Says nothing and remembers everything: the screens' tests read ``said``."""

    def __init__(self, **settings):
        super().__init__(**settings)
        self.said: list[Utterance] = []
        self.stopped = 0

    def _start(self, utterance: Utterance) -> None:
        self.said.append(utterance)

    def stop(self) -> None:
        self.stopped += 1


def audio_output_state(cards_file: Path = Path("/proc/asound/cards")) -> str:
    """ "ready" when the kernel knows a sound card, else "no-audio" (for the fleet page)."""
    try:
        cards = cards_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "no-audio"
    if not cards.strip() or "no soundcards" in cards:
        return "no-audio"
    return "ready"
