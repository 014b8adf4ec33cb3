"""Speech: Arabic read aloud, from the voweled text, by espeak-ng.

Owns the espeak-ng driver (`engine`: the library by ctypes, its Arabic voice, word events), the reading
of a text (`speech`: voweled by `models.vowels` first, MP3 by LAME (lameenc), a cache on disk per
text and speed), and each reader's listening settings (`prefs`: speed and voice, in the readers' database).

    >>> from models.speech import speak
    >>> s = speak("ذهب الولد إلى المدرسة", speed=1.0)   # s.audio (MP3), s.seconds, s.spoken (voweled), s.words

Without espeak-ng, `SpeechUnavailable` says what to install; a text with no Arabic, `NothingToSay`.

May import `models.text`, `models.vowels`, `models.document`, `models.settings`, `models.db`.
"""

from models.speech.engine import INSTALL, SpeechUnavailable, Word
from models.speech.prefs import VOICES, ListenPrefs, Preferences
from models.speech.speech import (
    MIME,
    SPEEDS,
    NothingToSay,
    Speech,
    SpeechCache,
    clamp_speed,
    speak,
    synthesize,
    wav,
)

__all__ = [
    "INSTALL", "MIME", "SPEEDS", "VOICES", "ListenPrefs", "NothingToSay", "Preferences", "Speech", "SpeechCache",
    "SpeechUnavailable", "Word", "clamp_speed", "speak", "synthesize", "wav",
]  # fmt: skip
