"""models.speech: espeak-ng reads the voweled text; MP3s of plausible length; the cache; clear messages;
each reader's speed and voice; `python -m models speak`."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile

from models.__main__ import main
from models.db import Database
from models.speech import (
    INSTALL,
    ListenPrefs,
    NothingToSay,
    SpeechCache,
    SpeechUnavailable,
    clamp_speed,
    speak,
)
from models.speech.engine import Espeak
from models.text.arabic import TASHKEEL_CHARS
from models.text.segment import split_sentences
from tests.support import SAMPLE, SAMPLE_PATH

MARKS = re.compile(f"[{TASHKEEL_CHARS}]")


@pytest.fixture(scope="module")
def engine() -> Espeak:
    try:
        return Espeak.get()
    except SpeechUnavailable:
        pytest.skip("needs espeak-ng: `apt-get install espeak-ng`")


@pytest.fixture
def cache(tmp_path: Path) -> SpeechCache:
    return SpeechCache(tmp_path / "speech")


@pytest.fixture
def handed(engine: Espeak, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the real engine is asked to read (it still reads them)."""
    seen: list[str] = []
    real = engine.synthesize

    def synthesize(text: str, speed: float = 1.0):
        seen.append(text)
        return real(text, speed)

    monkeypatch.setattr(engine, "synthesize", synthesize)
    return seen


def sample_sentences() -> list[str]:
    return [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)]


def decoded(mp3: bytes) -> tuple[np.ndarray, int]:
    samples, rate = soundfile.read(io.BytesIO(mp3), dtype="int16")
    return samples, rate


def test_the_first_sentence_is_read_from_its_voweled_text(cache: SpeechCache, handed: list[str]) -> None:
    first = sample_sentences()[0]
    speech = speak(first, 1.0, cache=cache)
    assert handed == [speech.spoken]
    # the engine got the sentence with short vowels added: many more marks than the author wrote
    assert len(MARKS.findall(handed[0])) > len(MARKS.findall(first)) + 20
    assert MARKS.sub("", handed[0]) == MARKS.sub("", first)  # only marks added
    samples, rate = decoded(speech.audio)
    seconds = len(samples) / rate
    words = len(first.split())
    assert 0.2 * words < seconds < 1.5 * words  # a plausible pace for the sentence's words
    assert abs(seconds - speech.seconds) < 0.2
    assert np.abs(samples.astype(np.int32)).max() > 3000  # not silence
    assert np.mean(np.abs(samples) > 500) > 0.3  # mostly voice, not mostly silence
    # word timings: increasing, within the audio, each on a word of the original sentence
    times = [w.ms for w in speech.words]
    assert len(speech.words) >= words * 0.8
    assert times == sorted(times) and times[-1] < speech.seconds * 1000
    for w in speech.words:
        assert first[w.start : w.end].strip() and not first[w.start].isspace()


def test_longer_text_and_slower_speed_give_longer_audio(cache: SpeechCache) -> None:
    one, two = sample_sentences()[:2]
    short = speak(one, 1.0, cache=cache)
    longer = speak(one + " " + two, 1.0, cache=cache)
    slow = speak(one, 0.5, cache=cache)
    assert longer.seconds > short.seconds * 1.3
    assert slow.seconds > short.seconds * 1.5
    assert len(short.audio) < len(soundfile_wav_bytes(short)) / 4  # compressed, not a WAV


def soundfile_wav_bytes(speech) -> bytes:
    samples, rate = decoded(speech.audio)
    buf = io.BytesIO()
    soundfile.write(buf, samples, rate, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def test_the_second_request_is_a_cache_hit(cache: SpeechCache, handed: list[str]) -> None:
    sentence = sample_sentences()[1]
    first = speak(sentence, 1.2, cache=cache)
    again = speak(sentence, 1.2, cache=cache)
    assert not first.cached and again.cached
    assert len(handed) == 1  # the engine read it once
    assert again.audio == first.audio and again.words == first.words and again.spoken == first.spoken
    other_speed = speak(sentence, 0.8, cache=cache)
    assert not other_speed.cached and len(handed) == 2
    assert len(list(cache.path().glob("*.mp3"))) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no text to read aloud"),
        ("   \n", "no text to read aloud"),
        ("Breaking news: 2026 (AFP)", "nothing in Arabic"),
        ("123 — 456", "nothing in Arabic"),
    ],
)
def test_no_arabic_gives_a_clear_message(text: str, message: str, cache: SpeechCache) -> None:
    with pytest.raises(NothingToSay, match=message):
        speak(text, cache=cache)


def test_without_espeak_ng_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QARI_ESPEAK_LIBRARY", "/nonexistent/libespeak-ng.so.1")
    with pytest.raises(SpeechUnavailable) as raised:
        Espeak._load()
    assert "apt-get install espeak-ng" in str(raised.value) and "brew install espeak-ng" in str(raised.value)
    assert "apt-get install espeak-ng" in INSTALL


def test_speeds_are_kept_in_range() -> None:
    assert clamp_speed(0.1) == 0.5 and clamp_speed(3) == 1.5 and clamp_speed(1.25) == 1.25
    assert clamp_speed(float("nan")) == 1.0 and clamp_speed("fast") == 1.0  # type: ignore[arg-type]


def test_each_reader_keeps_their_own_speed_and_voice(readers_db: Database) -> None:
    db = readers_db
    ana, ben = ListenPrefs(db, "ana"), ListenPrefs(db, "ben")
    assert ana.get().speed == 1.0 and ana.get().voice == "auto"
    ana.set(speed=0.7)
    ana.set(voice="server")
    assert (ana.get().speed, ana.get().voice) == (0.7, "server")
    assert (ben.get().speed, ben.get().voice) == (1.0, "auto")
    assert ListenPrefs(db, "ana").get().speed == 0.7  # kept: a new store (a new session) finds it
    ben.set(speed=9)
    assert ben.get().speed == 1.5
    with pytest.raises(ValueError, match="Unknown voice"):
        ana.set(voice="<script>")
    with pytest.raises(ValueError):
        ListenPrefs(db, "")


def test_the_command_line_writes_the_sample_as_a_wav(
    engine: Espeak, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sample.wav"
    assert main(["speak", str(SAMPLE_PATH), "--out", str(out)]) == 0
    info = soundfile.info(str(out))
    assert info.format == "WAV" and 10 < info.duration < 200
    samples, _ = soundfile.read(str(out), dtype="int16")
    assert np.abs(samples.astype(np.int32)).max() > 3000
    # the text itself works too
    assert main(["speak", "ذهب الولد إلى المدرسة", "--out", str(tmp_path / "short.wav")]) == 0
    assert 0.5 < soundfile.info(str(tmp_path / "short.wav")).duration < 10


def test_the_command_line_refuses_empty_input(
    engine: Espeak, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "out.wav"
    assert main(["speak", str(empty), "--out", str(out)]) != 0
    assert "no text to read aloud" in capsys.readouterr().err
    assert main(["speak", "only English here", "--out", str(out)]) != 0
    assert "nothing in Arabic" in capsys.readouterr().err
    assert not out.exists()


def test_anki_cards_carry_the_word_and_the_sentence_audio(cache: SpeechCache, tmp_path: Path) -> None:
    import json
    import sqlite3
    import zipfile

    from models.study.export import ANKI_AUDIO_MODEL_ID, vocabulary_apkg
    from models.study.vocab import VocabEntry

    entries = [
        VocabEntry("كتب", "كَتَبَ", "learning", "write", "وكتب أحدهم هنا.", "Someone wrote.", 1.0, 1.0),
        VocabEntry("news", "news", "new", "a Latin word", "", "", 1.0, 1.0),  # nothing to read: no sound
    ]
    asked: list[str] = []

    def audio(text: str) -> bytes | None:
        asked.append(text)
        try:
            return speak(text, 1.0, cache=cache).audio
        except NothingToSay:
            return None

    data = vocabulary_apkg(entries, audio=audio)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = json.loads(package.read("media"))
        (tmp_path / "c.anki2").write_bytes(package.read("collection.anki2"))
        files = {name: package.read(number) for number, name in media.items()}
    with sqlite3.connect(tmp_path / "c.anki2") as conn:
        notes = [flds.split("\x1f") for (flds,) in conn.execute("SELECT flds FROM notes ORDER BY id")]
        models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    conn.close()
    assert str(ANKI_AUDIO_MODEL_ID) in models
    word, sentence = notes[0][4], notes[0][5]
    assert word.startswith("[sound:") and sentence.startswith("[sound:") and word != sentence
    assert notes[1][4] == "" and notes[1][5] == ""  # "news" has no Arabic to read
    assert set(files) == {word[7:-1], sentence[7:-1]}
    for mp3 in files.values():
        samples, rate = decoded(mp3)
        assert len(samples) / rate > 0.3 and np.abs(samples.astype(np.int32)).max() > 3000
    assert "كَتَبَ" in asked and "وكتب أحدهم هنا." in asked
