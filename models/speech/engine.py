"""espeak-ng driven through its library (libespeak-ng, by ctypes): audio samples and word events.

The library, not the `espeak-ng` program, because only the library reports where each word starts in the
audio (its WORD events), which the reader uses to mark the word being read. The library keeps global
state (one voice, one rate, one callback), so every synthesis in this process holds one lock; a sentence
takes about 10 ms (bench/speech.py), so readers hardly wait on each other.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.settings import espeak_library

INSTALL = "apt-get install espeak-ng (Debian, Ubuntu) or brew install espeak-ng (macOS)"
VOICE = "ar"
# espeak-ng's words a minute at 1×. Arabic words are long (clitics), so this is ~110 Arabic words a minute,
# a newsreader's pace (the sample: 340 words in 3 minutes); 0.5× is 100, above espeak-ng's slowest (80).
BASE_WPM = 200
MIN_WPM, MAX_WPM = 80, 450

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_INITIALIZE_DONT_EXIT = 0x8000
_RATE = 1
_EVENT_LIST_TERMINATED, _EVENT_WORD = 0, 1


class SpeechUnavailable(RuntimeError):
    """espeak-ng (its library or its Arabic voice) is not installed; the message says what to install."""


class _Id(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # in characters of the text handed over, from 1
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds from the start of this synthesis
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _Id),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class Word:
    """Where a word of the spoken text starts in the audio: `ms`, and its characters `start:end`."""

    ms: int
    start: int
    end: int


@dataclass(frozen=True)
class Synthesis:
    samples: np.ndarray  # int16, mono
    rate: int  # samples a second
    words: list[Word]

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def wpm(speed: float) -> int:
    """espeak-ng's rate (words a minute) for a speed factor (1.0 = BASE_WPM)."""
    return max(MIN_WPM, min(MAX_WPM, round(BASE_WPM * speed)))


class Espeak:
    """The process's one espeak-ng library, loaded on first use (`Espeak.get()`)."""

    _instance: Espeak | None = None
    _failure: str | None = None
    _lock = threading.Lock()

    def __init__(self, lib: ctypes.CDLL, rate: int) -> None:
        self.lib = lib
        self.rate = rate
        self._chunks: list[bytes] = []
        self._events: list[tuple[int, int, int]] = []
        self._callback = _CALLBACK(self._collect)  # kept alive as long as the library may call it
        lib.espeak_SetSynthCallback(self._callback)

    @classmethod
    def get(cls) -> Espeak:
        with cls._lock:
            if cls._instance is None:
                if cls._failure is None:
                    try:
                        cls._instance = cls._load()
                    except SpeechUnavailable as exc:
                        cls._failure = str(exc)
                if cls._instance is None:
                    raise SpeechUnavailable(cls._failure or "espeak-ng could not be loaded")
            return cls._instance

    @staticmethod
    def _load() -> Espeak:
        name = espeak_library() or ctypes.util.find_library("espeak-ng")
        if not name:
            raise SpeechUnavailable(f"Server voice: espeak-ng is not installed. Install it with: {INSTALL}.")
        try:
            lib = ctypes.CDLL(name)
        except OSError as exc:
            raise SpeechUnavailable(
                f"Server voice: espeak-ng could not be loaded ({exc}). Install it with: {INSTALL}."
            )
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        # audio handed over a second at a time: few calls back into Python
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 1000, None, _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise SpeechUnavailable(
                f"Server voice: espeak-ng's data was not found. Install it with: {INSTALL}."
            )
        if lib.espeak_SetVoiceByName(VOICE.encode()) != 0:
            raise SpeechUnavailable(
                f"Server voice: espeak-ng has no Arabic voice ({VOICE!r}). Install it with: {INSTALL}."
            )
        return Espeak(lib, rate)

    def _collect(self, wav: Any, count: int, events: Any) -> int:  # ctypes pointers (short*, espeak_EVENT*)
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            e = events[i]
            if e.type == _EVENT_WORD:
                self._events.append((e.audio_position, e.text_position, e.length))
            i += 1
        return 0  # go on

    def synthesize(self, text: str, speed: float = 1.0) -> Synthesis:
        """`text` read aloud by the Arabic voice at `speed` (1.0 = BASE_WPM words a minute)."""
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            self._chunks, self._events = [], []
            self.lib.espeak_SetParameter(_RATE, wpm(speed), 0)
            buffer = ctypes.create_string_buffer(data, len(data))
            error = self.lib.espeak_Synth(buffer, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            chunks, events = self._chunks, self._events
            self._chunks, self._events = [], []
        if error != 0:
            raise SpeechUnavailable(f"Server voice: espeak-ng could not read this text (error {error}).")
        samples = np.frombuffer(b"".join(chunks), dtype=np.int16).copy()
        words = [Word(ms, pos - 1, pos - 1 + length) for ms, pos, length in events]
        return Synthesis(samples, self.rate, words)
