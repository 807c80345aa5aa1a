"""Speech at the kiosk: what is shown is also spoken (EN 301 549 5.1.3), offline, on the kiosk.

- :mod:`.spoken` — how numbers, dates, amounts, ЕГН and references are read (pure functions);
- :mod:`.voice` — the synthesiser (espeak-ng), and a recording one for tests;
- :mod:`.speaker` — the voice on a thread of its own, so the screens never wait for it.
"""

from .speaker import Speaker
from .spoken import (
    speakable,
    spoken_amount,
    spoken_date,
    spoken_digits,
    spoken_identifier,
    spoken_number,
    spoken_reference,
)
from .voice import EspeakVoice, RecordingVoice, SpeechError, Voice, audio_output_state

__all__ = [
    "EspeakVoice",
    "RecordingVoice",
    "Speaker",
    "SpeechError",
    "Voice",
    "audio_output_state",
    "speakable",
    "spoken_amount",
    "spoken_date",
    "spoken_digits",
    "spoken_identifier",
    "spoken_number",
    "spoken_reference",
]
