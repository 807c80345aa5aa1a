"""The voice on a thread of its own, so the screen never waits for the synthesiser.

:class:`Speaker` takes orders (say, stop, repeat, slower, louder) from the GUI thread and returns
at once; one thread, ``kiosk-speech``, carries them out in order on a :class:`~.voice.Voice`.
Starting espeak-ng is a fork and an exec of the synthesiser (and stopping one is a wait for it to
end): milliseconds the touchscreen must not freeze for. A "say" overtaken by a newer "say"
before the thread reached it is dropped, because the villager has already moved on.

A failing synthesiser (espeak-ng missing, say) never reaches the screens: the error is logged
and kept in :attr:`Speaker.problem`; the kiosk's health report tells the fleet page about the
sound card (``audio_output_state``).
"""

from __future__ import annotations

import logging
import queue
import threading
import time

from .voice import SpeechError, Voice

log = logging.getLogger(__name__)


class Speaker:
    """See the module docstring. ``on_started(utterance, monotonic_time)`` is called on the
    speech thread when an utterance has been handed to the voice (the benchmark's clock)."""

    def __init__(self, voice: Voice, on_started=None):
        self.voice = voice
        self.problem: str | None = None
        self._on_started = on_started
        self._orders: queue.Queue = queue.Queue()
        self._held: list = []  # taken from the queue while looking ahead, not yet carried out
        self._thread = threading.Thread(target=self._run, name="kiosk-speech", daemon=True)
        self._thread.start()

    # -- orders (any thread; return at once) -----------------------------------------------

    def say(self, text: str, lang: str) -> None:
        self._orders.put(("say", text, lang))

    def stop(self) -> None:
        self._orders.put(("stop",))

    def repeat(self) -> None:
        self._orders.put(("repeat",))

    def slower(self) -> None:
        """Slow down and say the last utterance again, so the listener hears the change."""
        self._orders.put(("slower",))

    def louder(self) -> None:
        self._orders.put(("louder",))

    def wait(self, timeout: float = 5.0) -> bool:
        """Wait until every order given so far was carried out (tests; shutting down)."""
        done = threading.Event()
        self._orders.put(("mark", done))
        return done.wait(timeout)

    def close(self, timeout: float = 3.0) -> None:
        self._orders.put(None)
        self._thread.join(timeout)

    # -- the speech thread -------------------------------------------------------------------

    def _next(self):
        order = self._held.pop(0) if self._held else self._orders.get()
        # A "say" that a newer "say" or "stop" overtook is not worth starting any more.
        while order is not None and order[0] == "say" and not self._held:
            try:
                newer = self._orders.get_nowait()
            except queue.Empty:
                break
            if newer is None or newer[0] in ("say", "stop"):
                order = newer
            else:
                self._held.append(newer)  # a mark, repeat or louder: after this one, in order
        return order

    def _run(self) -> None:
        while True:
            order = self._next()
            if order is None:
                self._carry_out(("stop",))
                return
            self._carry_out(order)

    def _carry_out(self, order: tuple) -> None:
        voice, kind = self.voice, order[0]
        try:
            if kind == "say":
                utterance = voice.say(order[1], order[2])
                if self._on_started is not None:
                    self._on_started(utterance, time.monotonic())
            elif kind == "stop":
                voice.stop()
            elif kind == "repeat":
                voice.repeat()
            elif kind == "slower":
                voice.slower()
                voice.repeat()
            elif kind == "louder":
                voice.louder()
                voice.repeat()
            elif kind == "mark":
                order[1].set()
        except SpeechError as exc:
            self.problem = exc.message
            log.warning("speech: %s", exc.message)
