"""The kiosk reads numbers, dates, amounts, ЕГН and references the way a person does, and its
voice (real espeak-ng) turns Bulgarian into audio of a plausible length."""

import shutil
import threading
import time
import wave
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from kiosk_app.cli import cli
from kiosk_app.speech import (
    EspeakVoice,
    RecordingVoice,
    Speaker,
    SpeechError,
    audio_output_state,
    speakable,
    spoken_amount,
    spoken_date,
    spoken_identifier,
    spoken_number,
    spoken_reference,
)

# ---- numbers --------------------------------------------------------------------------------

BULGARIAN_NUMBERS = {
    0: "нула",
    2: "две",
    21: "двадесет и едно",
    42: "четиридесет и две",
    105: "сто и пет",
    120: "сто и двадесет",
    142: "сто четиридесет и две",
    1000: "хиляда",
    1042: "хиляда четиридесет и две",
    1100: "хиляда и сто",
    2026: "две хиляди двадесет и шест",
    22542: "двадесет и две хиляди петстотин четиридесет и две",
    1_000_000: "един милион",
}


@pytest.mark.parametrize("number, words", BULGARIAN_NUMBERS.items())
def test_a_number_is_read_in_bulgarian_words_with_one_and_before_the_last(number, words):
    assert spoken_number(number) == words


def test_one_and_two_agree_with_the_noun_counted():
    assert spoken_number(2, gender="m") == "два"
    assert spoken_number(21, gender="f") == "двадесет и една"


_VALUES = {
    "нула": 0, "един": 1, "една": 1, "едно": 1, "два": 2, "две": 2, "три": 3, "четири": 4,
    "пет": 5, "шест": 6, "седем": 7, "осем": 8, "девет": 9, "десет": 10, "единадесет": 11,
    "дванадесет": 12, "тринадесет": 13, "четиринадесет": 14, "петнадесет": 15,
    "шестнадесет": 16, "седемнадесет": 17, "осемнадесет": 18, "деветнадесет": 19,
    "двадесет": 20, "тридесет": 30, "четиридесет": 40, "петдесет": 50, "шестдесет": 60,
    "седемдесет": 70, "осемдесет": 80, "деветдесет": 90, "сто": 100, "двеста": 200,
    "триста": 300, "четиристотин": 400, "петстотин": 500, "шестстотин": 600,
    "седемстотин": 700, "осемстотин": 800, "деветстотин": 900,
}  # fmt: skip
_MULTIPLIERS = {"хиляда": 1000, "хиляди": 1000, "милион": 1_000_000, "милиона": 1_000_000}


def _parse_bulgarian(words: str) -> int:
    """A listener's reading of the words back into a number (for the round-trip property)."""
    total = current = 0
    for word in words.split():
        if word == "и":
            continue
        if word in _MULTIPLIERS:
            total += (current or 1) * _MULTIPLIERS[word]
            current = 0
        else:
            current += _VALUES[word]
    return total + current


@given(st.integers(min_value=0, max_value=999_999_999))
def test_every_number_read_aloud_is_heard_back_as_the_same_number(number):
    words = spoken_number(number)
    assert _parse_bulgarian(words) == number
    assert not any(ch.isdigit() for ch in words)


# ---- references, identifiers, dates, amounts ---------------------------------------------------


def test_a_reference_is_spelled_then_read_with_its_printed_zeros():
    assert spoken_reference("DZH1-00042") == (
        "ди зед ейч едно, тире, нула нула нула четиридесет и две"
    )
    assert spoken_reference("dzh1-00042", "en") == "D Z H one, dash, zero zero zero forty-two"


def test_an_egn_is_read_digit_by_digit_in_its_groups():
    assert spoken_identifier("7523169263") == "седем пет, две три, едно шест, девет две шест, три"


@pytest.mark.parametrize(
    "day, bulgarian, english",
    [
        (date(2026, 12, 1), "първи декември две хиляди двадесет и шеста година",
         "the first of December twenty twenty-six"),
        (date(2000, 1, 31), "тридесет и първи януари двехилядна година",
         "the thirty-first of January two thousand"),
        (date(1998, 3, 22), "двадесет и втори март хиляда деветстотин деветдесет и осма година",
         "the twenty-second of March nineteen ninety-eight"),
        (date(2010, 5, 10), "десети май две хиляди и десета година", "the tenth of May twenty ten"),
    ],
)  # fmt: skip
def test_a_date_is_read_as_a_date(day, bulgarian, english):
    assert spoken_date(day) == bulgarian
    assert spoken_date(day, "en") == english


def test_an_amount_is_read_as_euro_and_cents():
    assert spoken_amount(1234) == "дванадесет евро и тридесет и четири евроцента"
    assert spoken_amount(101) == "едно евро и един евроцент"
    assert spoken_amount(500) == "пет евро"
    assert spoken_amount(1234, "en") == "twelve euro and thirty-four cents"


def test_a_slip_sentence_is_spoken_with_every_value_in_words():
    spoken = speakable(
        "Номер DZH1-00042, готов до 03.12.2026 г. Такса 12,34 евро. ЕГН 7523169263, 3 дни."
    )
    assert spoken == (
        "Номер ди зед ейч едно, тире, нула нула нула четиридесет и две, готов до трети декември "
        "две хиляди двадесет и шеста година. Такса дванадесет евро и тридесет и четири евроцента. "
        "ЕГН седем пет, две три, едно шест, девет две шест, три, три дни."
    )
    assert not any(ch.isdigit() for ch in spoken)


def test_an_impossible_date_is_read_digit_by_digit_not_guessed():
    assert "трийсет" not in speakable("2026-02-30")
    assert not any(ch.isdigit() for ch in speakable("2026-02-30"))


# ---- the voice ----------------------------------------------------------------------------------


def test_the_recording_voice_keeps_what_was_shown_and_what_was_spoken():
    voice = RecordingVoice()
    voice.say("Вашият номер е MER1-00016.")
    voice.repeat()
    assert [u.spoken for u in voice.said] == [
        "Вашият номер е ем и ар едно, тире, нула нула нула шестнадесет."
    ] * 2
    assert voice.said[0].text == "Вашият номер е MER1-00016."


def test_slower_and_louder_stop_at_bounds_a_listener_can_bear():
    voice = RecordingVoice()
    for _ in range(20):
        voice.slower()
        voice.louder()
    assert voice.rate == 80 and voice.volume == 200


def test_a_language_without_a_voice_is_refused():
    with pytest.raises(SpeechError):
        RecordingVoice().say("Hallo", "de")


def test_no_sound_card_is_reported_as_no_audio(tmp_path):
    cards = tmp_path / "cards"
    cards.write_text("--- no soundcards ---\n")
    assert audio_output_state(cards) == "no-audio"
    assert audio_output_state(tmp_path / "missing") == "no-audio"
    cards.write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    assert audio_output_state(cards) == "ready"


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


def _seconds(path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


@needs_espeak
def test_espeak_turns_a_bulgarian_sentence_into_a_wav_of_plausible_length(tmp_path):
    sentence = "Добре дошли в информационния център. Докоснете това, което искате да направите."
    out = tmp_path / "welcome.wav"
    EspeakVoice().render(sentence, "bg", out)
    # 12 words at 140 words a minute is about five seconds; a silent or cut file is far less.
    assert 3.0 < _seconds(out) < 12.0
    slower = tmp_path / "slower.wav"
    EspeakVoice(rate=80).render(sentence, "bg", slower)
    assert _seconds(slower) > _seconds(out) * 1.3


@needs_espeak
def test_kiosk_app_speak_writes_the_wav_and_prints_what_it_read(tmp_path):
    out = tmp_path / "ref.wav"
    result = CliRunner().invoke(
        cli, ["speak", "Номер DZH1-00042", "--lang", "bg", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "ди зед ейч едно, тире" in result.output
    assert _seconds(out) > 2.0


def test_kiosk_app_speak_without_espeak_says_what_to_do(tmp_path):
    voice = EspeakVoice(executable="no-such-espeak")
    with pytest.raises(SpeechError, match="espeak-ng"):
        voice.render("Добре дошли", "bg", tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


# ---- the speech thread --------------------------------------------------------------------------


class _HeldVoice(RecordingVoice):
    """A voice whose first utterance takes as long as the test wants."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def _start(self, utterance):
        super()._start(utterance)
        if len(self.said) == 1:
            self.release.wait(5)


def test_the_speech_thread_drops_what_was_overtaken_and_keeps_the_order_of_the_rest():
    voice = _HeldVoice()
    speaker = Speaker(voice)
    speaker.say("Първо", "bg")  # the thread is busy saying it while the villager goes on
    while not voice.said:
        time.sleep(0.001)
    speaker.say("Второ", "bg")
    speaker.say("Трето", "bg")  # the second was never started: the villager moved on
    speaker.slower()  # and then asked to hear the last one again, slower
    voice.release.set()
    assert speaker.wait(5)
    assert [u.text for u in voice.said] == ["Първо", "Трето", "Трето"]
    assert voice.rate < 140
    speaker.close()


def test_a_missing_synthesiser_never_reaches_the_screens():
    speaker = Speaker(EspeakVoice(executable="no-such-espeak"))
    speaker.say("Добре дошли", "bg")  # returns at once, as it always does
    assert speaker.wait(5)
    assert "espeak-ng" in speaker.problem
    speaker.close()
