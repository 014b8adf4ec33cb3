"""A readable Latin transliteration of an Arabic name, for names no gazetteer translates.

This is a fallback for a reader's eyes, not a standard romanisation: consonants map one to one
(ش sh, خ kh, ث th …), ا و ي are read as the long vowels a u i between consonants and as w y where they
start a syllable, written short vowels (tashkeel) are used when present, the article is "al-", and an
"a" is put between two consonants where the script writes no vowel (كندا → Kanda). It gets transliterated
foreign names close (هاياشي → Hayashi, كيشيدا → Kishida) and Arabic names recognisable (محمد → Mahmad).
"""

from __future__ import annotations

from models.text.arabic import ARABIC_WORD, TATWEEL

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "'", "غ": "gh",
    "ف": "f", "ق": "q", "ك": "k", "ک": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ء": "'",
    "پ": "p", "چ": "ch", "ڤ": "v", "ڥ": "v", "گ": "g", "ژ": "zh",
}  # fmt: skip
_VOWEL_LETTERS = {"ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ى": "a", "ة": "a", "ؤ": "u", "ئ": "i"}
_MARKS = {"\u064e": "a", "\u064f": "u", "\u0650": "i", "\u064b": "an", "\u064c": "un", "\u064d": "in"}
_SILENT_MARKS = frozenset("\u0651\u0652\u0670")  # shadda, sukun, dagger alef: nothing to add


def _word(word: str) -> str:
    """One word: a list of (latin, is_consonant) units, then vowels put between bare consonants."""
    units: list[tuple[str, bool]] = []
    letters = [c for c in word if c != TATWEEL]
    for i, ch in enumerate(letters):
        if ch in _MARKS:
            units.append((_MARKS[ch], False))
        elif ch in _SILENT_MARKS:
            continue
        elif ch in ("و", "ي"):
            prev_vowel = not units or not units[-1][1]
            nxt = letters[i + 1] if i + 1 < len(letters) else ""
            next_vowel = nxt in _VOWEL_LETTERS or nxt in _MARKS or nxt in ("و", "ي")
            last = i + 1 == len(letters)
            after_a = bool(units) and units[-1] == ("a", False)
            # w/y starting a syllable (word start, after a vowel, before one); else the long vowel
            if i == 1 and after_a and nxt and nxt not in _VOWEL_LETTERS and nxt not in _MARKS:
                units[-1] = ("u" if ch == "و" else "i", False)  # أوكرانيا: أو is the vowel u, not "aw"
            elif last and units and not after_a:
                units.append(("u" if ch == "و" else "i", False))  # final فوميو, جولي: the vowel
            elif prev_vowel or (next_vowel and nxt != "ي" and nxt != "و"):
                units.append(("w" if ch == "و" else "y", True))
            else:
                units.append(("u" if ch == "و" else "i", False))
        elif ch in _VOWEL_LETTERS:
            units.append((_VOWEL_LETTERS[ch], False))
        elif ch in _CONSONANTS:
            latin = _CONSONANTS[ch]
            if ch in ("ع", "ء") and not units:
                latin = ""  # a word-initial glottal/ayn is not written in plain romanisation
            units.append((latin, True))
    # Foreign names are written with their vowels (كريستيانو); only sparse spelling gets vowels added.
    vowel_letters = sum(1 for c in letters if c in _VOWEL_LETTERS or c in ("و", "ي"))
    sparse = vowel_letters < 0.3 * max(1, sum(1 for c in letters if c not in _MARKS))
    out: list[str] = []
    inserted_last = False
    for k, (latin, consonant) in enumerate(units):
        out.append(latin)
        nxt_consonant = k + 1 < len(units) and units[k + 1][1]
        if sparse and consonant and nxt_consonant and not inserted_last:
            out.append("a")  # unwritten short vowel; at most every other consonant, so محمد is not Mahamad
            inserted_last = True
        else:
            inserted_last = False
    return "".join(out).strip("'")


def name_in_english(name: str) -> str:
    """A readable Latin form of an Arabic name ("" when it has no Arabic word): هاياشي → Hayashi."""
    parts = []
    for word in ARABIC_WORD.findall(name):
        article = ""
        bare = word.replace(TATWEEL, "")
        if bare.startswith("ال") and len(bare) > 3:
            article, word = "al-", bare[2:]
        latin = _word(word)
        if latin:
            parts.append(article + latin[:1].upper() + latin[1:])
    return " ".join(parts)
