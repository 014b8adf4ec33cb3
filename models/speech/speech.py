"""A text read aloud from its voweled form: `speak(text, speed)` → `Speech` (MP3 and word timings).

espeak-ng reads unvoweled Arabic badly (it guesses the short vowels, often wrongly, and drops the case
endings) and voweled Arabic well, so the text is voweled first (`models.vowels`: only marks are added, so
every word of the voweled text is a word of the original) and the voweled text is what the voice reads.
Word events come back as offsets into the voweled text and are turned into offsets of the original, so
the reader can mark the word being read.

Each (text, rate) is made once: the MP3 and its word timings are kept on the server's disk
(`SpeechCache`, in the data folder), never at an address anyone could fetch.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import threading
import wave
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.settings import data_dir
from models.speech.engine import VOICE, Espeak, SpeechUnavailable, Synthesis, Word, wpm
from models.text.arabic import has_arabic
from models.vowels import VowelsUnavailable, vowels

SPEEDS = (0.5, 1.5)  # the slowest and fastest speed a reader may choose
MIME = "audio/mpeg"  # MP3: every browser and Anki play it (Ogg/Opus would need a resample to 24/48 kHz)
CACHE_VERSION = "espeak-ng/ar/mp3-32k/2"  # part of every cache key: change it when the audio would change
MAX_CACHED = 5000  # files kept on disk (~20 KB a sentence); the oldest go first


class NothingToSay(ValueError):
    """The text has no Arabic to read aloud (empty, Latin only, numbers only); the message says so."""


@dataclass(frozen=True)
class Speech:
    """`text` read aloud: MP3 `audio` of `seconds`, the `spoken` (voweled) text handed to the voice, and
    `words` as offsets into `text` with the millisecond each starts at."""

    text: str
    spoken: str
    speed: float
    audio: bytes
    seconds: float
    words: list[Word] = field(default_factory=list)
    cached: bool = False
    note: str | None = None  # e.g. read without added vowels, and why


def clamp_speed(speed: float) -> float:
    try:
        value = float(speed)
    except (TypeError, ValueError):
        return 1.0
    if math.isnan(value):
        return 1.0
    return round(max(SPEEDS[0], min(SPEEDS[1], value)), 2)


_voweled: OrderedDict[str, tuple[str, list[int]]] = OrderedDict()
_voweled_lock = threading.Lock()
KEEP_VOWELED = 512  # sentences whose voweled form is kept (the page asks again on every rerun)


def voweled_for_speech(text: str) -> tuple[str, list[int], str | None]:
    """The text the voice reads (voweled), for each of its characters the original character it belongs
    to (an added mark: the letter before it), and a note when no vowels could be added."""
    with _voweled_lock:
        if text in _voweled:
            _voweled.move_to_end(text)
            known, known_origin = _voweled[text]
            return known, known_origin, None
    if not has_arabic(text):
        raise NothingToSay(
            "There is nothing in Arabic to read aloud here."
            if text.strip()
            else "There is no text to read aloud."
        )
    try:
        v = vowels(text)
    except VowelsUnavailable as exc:
        return text, list(range(len(text))), f"read as written, without added vowels ({exc})"
    spoken: list[str] = []
    origin: list[int] = []
    for i in range(len(text) + 1):
        mark = v.added.get(i)
        if mark:
            spoken.append(mark)
            origin.extend([max(i - 1, 0)] * len(mark))
        if i < len(text):
            spoken.append(text[i])
            origin.append(i)
    with _voweled_lock:  # only what was voweled is kept: a diacritizer that loads later is used then
        _voweled[text] = ("".join(spoken), origin)
        while len(_voweled) > KEEP_VOWELED:
            _voweled.popitem(last=False)
    return "".join(spoken), origin, None


def _original_words(words: list[Word], origin: list[int]) -> list[Word]:
    out = []
    for w in words:
        if not origin or w.start >= len(origin) or w.end <= w.start:
            continue
        out.append(Word(w.ms, origin[w.start], origin[min(w.end, len(origin)) - 1] + 1))
    return out


def synthesize(text: str, speed: float = 1.0) -> tuple[Synthesis, str, list[int], str | None]:
    """`text` voweled and read aloud (raw samples): the synthesis, the spoken text, its origin map, a note."""
    spoken, origin, note = voweled_for_speech(text)
    return Espeak.get().synthesize(spoken, clamp_speed(speed)), spoken, origin, note


def mp3(samples: np.ndarray, rate: int) -> bytes:
    """Mono 16-bit samples as MP3: LAME (the lameenc wheel) at 32 kbit/s, quality 7 (LAME's fast setting;
    libsndfile's LAME settings took 6× as long, bench/README.md). A tenth of the WAV's size."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(np.ascontiguousarray(samples, dtype="<i2").tobytes()) + encoder.flush())


def wav(samples: np.ndarray, rate: int) -> bytes:
    """Mono 16-bit samples as a WAV file."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
    return buf.getvalue()


class SpeechCache:
    """MP3s and word timings on disk, one pair of files per (voice, rate, text)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._writes = 0
        self._lock = threading.Lock()

    def path(self) -> Path:
        folder = self.folder or data_dir() / "speech"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @staticmethod
    def key(text: str, speed: float) -> str:
        return hashlib.sha256(f"{CACHE_VERSION}\n{VOICE}\n{wpm(speed)}\n{text}".encode()).hexdigest()

    def get(self, text: str, speed: float) -> Speech | None:
        folder, key = self.path(), self.key(text, speed)
        try:
            meta = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
            audio = (folder / f"{key}.mp3").read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("text") != text:  # a hash collision, or a file from elsewhere
            return None
        words = [Word(int(ms), int(start), int(end)) for ms, start, end in meta.get("words", [])]
        return Speech(
            text, meta["spoken"], speed, audio, float(meta["seconds"]), words, True, meta.get("note")
        )

    def put(self, speech: Speech) -> None:
        folder, key = self.path(), self.key(speech.text, speech.speed)
        meta = {
            "text": speech.text,
            "spoken": speech.spoken,
            "seconds": speech.seconds,
            "note": speech.note,
            "words": [[w.ms, w.start, w.end] for w in speech.words],
        }
        # written under temporary names and renamed: a reader never finds half a file
        for name, data in ((f"{key}.mp3", speech.audio), (f"{key}.json", json.dumps(meta).encode("utf-8"))):
            tmp = folder / f".{name}.{os.getpid()}.{threading.get_ident()}"
            tmp.write_bytes(data)
            os.replace(tmp, folder / name)
        with self._lock:
            self._writes += 1
            prune = self._writes % 100 == 0
        if prune:
            self.prune()

    def prune(self, keep: int = MAX_CACHED) -> None:
        files = sorted(self.path().glob("*.mp3"), key=lambda p: p.stat().st_mtime)
        for old in files[: max(0, len(files) - keep)]:
            for p in (old, old.with_suffix(".json")):
                p.unlink(missing_ok=True)


_default_cache = SpeechCache()
_warming = threading.Event()


def warm_up() -> None:
    """Load espeak-ng and the diacritizer in the background, once per process, so the first ▶ does not
    wait for them (the diacritizer takes seconds to load)."""
    if _warming.is_set():
        return
    _warming.set()

    def load() -> None:
        try:
            Espeak.get()
            voweled_for_speech("مرحبا")
        except (SpeechUnavailable, NothingToSay):
            pass  # said to the reader when they ask to listen

    threading.Thread(target=load, name="qari-speech-warm-up", daemon=True).start()


def speak(text: str, speed: float = 1.0, cache: SpeechCache | None = None) -> Speech:
    """`text` read aloud from its voweled form at `speed` (0.5–1.5), made once per (text, speed).

    Raises `NothingToSay` for a text with no Arabic, `SpeechUnavailable` without espeak-ng (both with a
    message for the reader)."""
    speed = clamp_speed(speed)
    cache = cache or _default_cache
    found = cache.get(text, speed)
    if found is not None:
        return found
    synthesis, spoken, origin, note = synthesize(text, speed)
    speech = Speech(
        text,
        spoken,
        speed,
        mp3(synthesis.samples, synthesis.rate),
        synthesis.seconds,
        _original_words(synthesis.words, origin),
        False,
        note,
    )
    cache.put(speech)
    return speech


__all__ = [
    "MIME",
    "SPEEDS",
    "NothingToSay",
    "Speech",
    "SpeechCache",
    "SpeechUnavailable",
    "clamp_speed",
    "mp3",
    "speak",
    "synthesize",
    "voweled_for_speech",
    "warm_up",
    "wav",
]
