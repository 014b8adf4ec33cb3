"""Transliteration of Arabic words into Latin letters, for the hover card and the glossary.

Scheme: simplified ALA-LC (Library of Congress), i.e. ALA-LC without the dots under consonants, so
ح ه both give h and ص س both give s; long vowels keep their macrons, ʿayn and hamza keep their signs:

    letter  latin        letter  latin        letter  latin        vowel / sign        latin
    ء أ إ ؤ ئ  ʾ (not     د        d            ض        d            َ fatha              a
           written       ذ        dh           ط        t            ُ damma              u
           word-initially) ر     r            ظ        z            ِ kasra              i
    ا        ā           ز        z            ع        ʿ            ّ shadda             letter doubled
    آ        ā (ʾā)      س        s            غ        gh           ْ sukun              (nothing)
    ب        b           ش        sh           ف        f            ٰ dagger alef        ā
    ت        t           ص        s            ق        q            ًا tanwin + alef     an
    ث        th          ك ک      k            ل        l            other tanwin         (not written)
    ج        j           م        m            ن        n            و / ي after a vowel  ū / ī
    ح        h           ه        h            و        w, ū         َو / َي (diphthongs) aw / ay
    خ        kh          ة        h (pausal: madīnah)  ي ی  y, ī    ِيّ (nisba)          ī, īy before a vowel
    ى        á (Muṣṭafá → Mustafá)    پ p   چ ch   ژ zh   گ g   ڤ v

Clitics are joined with a hyphen, as in ALA-LC: the article is al- (never assimilated: al-shams), and
the proclitics wa-, fa-, bi-, li-, ka-, sa- come before it (wa-al-amn); li + al is lil-. Case endings
and tanwin are not written (kitāb, not kitābun) except the adverbial -an (ayḍan → aydan).

Vowels come from, in order: the word's own tashkeel; a voweled reference passed as `lemma` (the voweled
analysis of the word from the Buckwalter lexicon, `Analysis.voweled`, whose "+" marks where the proclitics
end, or the voweled dictionary lemma, whose vowels are copied onto the letters the word shares with it);
otherwise a consonantal fallback: ا و ي are read as long vowels between consonants and unwritten short
vowels stay unwritten (مدرسة → mdrsah), which is honest about what the script shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.text.arabic import TATWEEL

__all__ = ["ala_lc"]

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "ʿ", "غ": "gh",
    "ف": "f", "ق": "q", "ك": "k", "ک": "k", "ڪ": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "ہ": "h", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ڤ": "v", "ڥ": "v",
}  # fmt: skip
_HAMZAS = frozenset("ءأإؤئٲٳ")
_ALEFS = frozenset("اٱ")
_YA = frozenset("يیې")
_FATHA, _DAMMA, _KASRA = "\u064e", "\u064f", "\u0650"
_TANWIN = {"\u064b": "an", "\u064c": "un", "\u064d": "in"}
_SHADDA, _SUKUN, _DAGGER = "\u0651", "\u0652", "\u0670"
_VOWELS = {_FATHA: "a", _DAMMA: "u", _KASRA: "i"}
_SKIP = frozenset(TATWEEL + "\u200c\u200d")
# Letters a matching key folds together (the reference may spell a hamza the text leaves out).
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ة": "ه", "ى": "ي",
                       "ی": "ي", "ک": "ك", "ؤ": "ء", "ئ": "ء"})  # fmt: skip
_PROCLITIC_LATIN = {"و": "wa", "ف": "fa", "ب": "bi", "ل": "li", "ك": "ka", "س": "sa"}


@dataclass
class _Unit:
    letter: str
    vowel: str | None = None  # "a", "u", "i" from tashkeel
    shadda: bool = False
    sukun: bool = False
    tanwin: str | None = None
    dagger: bool = False

    @property
    def marked(self) -> bool:
        return bool(self.vowel or self.shadda or self.sukun or self.tanwin or self.dagger)


def _units(text: str) -> list[_Unit]:
    out: list[_Unit] = []
    for ch in text:
        if ch in _SKIP:
            continue
        if ch in _VOWELS or ch in _TANWIN or ch in (_SHADDA, _SUKUN, _DAGGER):
            if not out:
                continue
            u = out[-1]
            if ch in _VOWELS:
                u.vowel = _VOWELS[ch]
            elif ch in _TANWIN:
                u.tanwin = _TANWIN[ch]
            elif ch == _SHADDA:
                u.shadda = True
            elif ch == _SUKUN:
                u.sukun = True
            else:
                u.dagger = True
            continue
        if "\u064b" <= ch <= "\u065f" or "\u06d6" <= ch <= "\u06ed":
            continue  # other Quranic marks
        out.append(_Unit(ch))
    return out


def _key(units: list[_Unit]) -> str:
    return "".join(u.letter for u in units).translate(_FOLD)


def ala_lc(word: str, lemma: str | None = None) -> str:
    """The simplified ALA-LC form of one Arabic word ("" for a word without Arabic letters); the words of
    a multi-word name are transliterated one by one, without `lemma`.

    `lemma`, when given, is a voweled form to take vowels from: the voweled analysis of this word
    ("وَ+ال+أَمْن" → wa-al-amn, "+" ending each proclitic) or its voweled dictionary lemma (المعلومات with
    مَعْلُومَة → al-maʿlūmāt). Without one, the word's own tashkeel or the consonantal fallback is used.
    """
    if len(word.split()) > 1:  # a name of several words: each on its own
        return " ".join(t for t in (ala_lc(w) for w in word.split()) if t)
    units = _units(word)
    if not any(u.letter in _CONSONANTS or u.letter in _HAMZAS or u.letter in "اآٱوىيیةې" for u in units):
        return ""
    morphs = _with_reference(units, lemma) if lemma else None
    if morphs is None:
        morphs = _split_article(units)
    pieces = [_render(m, first=i == 0, stem=i == len(morphs) - 1) for i, m in enumerate(morphs)]
    return "-".join(p for p in pieces if p)


def _with_reference(units: list[_Unit], reference: str) -> list[list[_Unit]] | None:
    """Morphemes of the word with the reference's vowels copied on, or None if the two do not align."""
    ref_morphs = [_units(part) for part in reference.split("+")]
    ref = [u for m in ref_morphs for u in m]
    if not ref:
        return None
    key, ref_key = _key(units), _key(ref)
    if key == ref_key:  # the voweled analysis of this very word
        merged = [_merge(u, r) for u, r in zip(units, ref, strict=True)]
        out, i = [], 0
        for m in ref_morphs:
            out.append(merged[i : i + len(m)])
            i += len(m)
        return [m for m in out if m] or None
    # A lemma: the longest start of it (all but its ending, 2 letters at least) found in the word.
    for n in range(len(ref_key), max(1, len(ref_key) - 2), -1):
        at = key.find(ref_key[:n])
        if at < 0:
            continue
        merged = units[:at] + [_merge(u, r) for u, r in zip(units[at : at + n], ref[:n], strict=True)]
        merged += units[at + n :]
        head = _proclitic_morphs(units[:at])
        if head is None:
            return [merged]  # the letters before the lemma are not proclitics: one stem
        return [*head, merged[at:]]
    return None


def _proclitic_morphs(units: list[_Unit]) -> list[list[_Unit]] | None:
    """و, ف, ب, ك, ل, س and the article ال / لل as morphemes, or None if `units` are not such a run."""
    key = _key(units)
    out: list[list[_Unit]] = []
    i = 0
    while i < len(key):
        if key[i : i + 2] in ("ال", "لل") and i + 2 == len(key):  # the article, or li + the article
            out.append(units[i : i + 2])
            i += 2
        elif key[i] in _PROCLITIC_LATIN:
            out.append(units[i : i + 1])
            i += 1
        else:
            return None
    return out


def _merge(unit: _Unit, ref: _Unit) -> _Unit:
    """The written letter with the writer's marks, completed by the reference's."""
    return _Unit(
        unit.letter,
        unit.vowel or ref.vowel,
        unit.shadda or ref.shadda,
        unit.sukun or (ref.sukun and not unit.vowel),
        unit.tanwin or ref.tanwin,
        unit.dagger or ref.dagger,
    )


def _split_article(units: list[_Unit]) -> list[list[_Unit]]:
    """Peel (proclitic +) article off an unvoweled word: والأمن → و, ال, أمن; للمعلومات → لل, معلومات."""
    letters = "".join(u.letter for u in units).translate(_FOLD)
    for lead in ("", "و", "ف", "ب", "ك", "وب", "فب", "وك", "فك"):
        if letters.startswith(lead + "ال") and len(letters) - len(lead) - 2 >= 2:
            n = len(lead)
            head = [[u] for u in units[:n]]
            return [*head, units[n : n + 2], units[n + 2 :]]
    for lead in ("", "و", "ف"):
        if letters.startswith(lead + "لل") and len(letters) - len(lead) - 2 >= 2:
            n = len(lead)
            return [*([[u] for u in units[:n]]), units[n : n + 2], units[n + 2 :]]
    return [units]


def _render(units: list[_Unit], first: bool, stem: bool) -> str:
    """One morpheme in Latin letters."""
    key = _key(units)
    if not stem:  # a proclitic or the article
        if key == "ال":
            return "al"
        if key == "لل":
            return "lil"
        if len(units) == 1 and units[0].letter in _PROCLITIC_LATIN:
            return _PROCLITIC_LATIN[units[0].letter]
    voweled = any(u.vowel or u.shadda or u.sukun or u.dagger for u in units)  # tanwin alone is not enough
    roles = _glide_roles(units, voweled)
    out: list[str] = []
    n = len(units)
    for i, u in enumerate(units):
        prev = units[i - 1] if i else None
        nxt = units[i + 1] if i + 1 < n else None
        ch = u.letter
        if ch in _ALEFS:
            if i == 0:
                out.append(u.vowel or "a")
            elif prev is not None and prev.tanwin == "an":
                pass  # already written as -an
            elif nxt is None and prev is not None and prev.letter == "و" and roles.get(i - 1) == "long":
                pass  # the silent alef after the plural -ū (شددوا shaddadū)
            elif u.tanwin == "an" and nxt is None:
                out.append("an")
            else:
                out.append("ā")
        elif ch == "آ":
            out.append("ā" if i == 0 else "ʾā")
        elif ch in _HAMZAS:
            if i:
                out.append("ʾ")
            default = "i" if ch == "إ" and i == 0 else "a" if i == 0 else ""
            out.append(_vowel(u, nxt, roles.get(i + 1), default))
        elif ch == "ة":
            if not "".join(out).endswith(("a", "ā")):
                out.append("a")
            out.append("h")
        elif ch == "ى":
            out.append("ī" if prev is not None and prev.vowel == "i" else "á" if i else "a")
        elif ch in ("و", *_YA):
            w, long_ = ("w", "ū") if ch == "و" else ("y", "ī")
            role = roles[i]
            if role == "long":
                out.append(long_)
            elif role == "nisba":
                out.append("ī" if nxt is None else "īy" + _vowel(u, nxt, roles.get(i + 1)))
            else:  # a consonant, or the second half of a diphthong (aw, ay)
                out.append((w + w if u.shadda else w) + _vowel(u, nxt, roles.get(i + 1)))
        else:
            latin = _CONSONANTS.get(ch)
            if latin is None:
                out.append(ch)
                continue
            out.append(latin * 2 if u.shadda else latin)
            out.append(_vowel(u, nxt, roles.get(i + 1)))
    return "".join(out)


def _glide_roles(units: list[_Unit], voweled: bool) -> dict[int, str]:
    """For each و / ي: "long" (ū, ī), "nisba" (the -iyy ending) or "cons" (w, y, or a diphthong's end)."""
    roles: dict[int, str] = {}
    n = len(units)
    for i, u in enumerate(units):
        if u.letter != "و" and u.letter not in _YA:
            continue
        prev = units[i - 1] if i else None
        nxt = units[i + 1] if i + 1 < n else None
        own_vowel = u.vowel or u.tanwin == "an"
        matching = "u" if u.letter == "و" else "i"
        if i == 0 or prev is None:
            role = "cons"
        elif u.shadda and u.letter != "و" and prev.vowel == "i":
            role = "nisba"
        elif u.shadda or own_vowel:
            role = "cons"
        elif (
            u.letter == "و"
            and i == n - 2
            and nxt is not None
            and nxt.letter in _ALEFS
            and not nxt.marked
            and (prev.vowel == "u" or not voweled and prev.letter not in _ALEFS)
        ):
            role = "long"  # the plural -ū with its silent alef: شددوا shaddadū, كانوا kānū
        elif nxt is not None and nxt.letter in _ALEFS and nxt.tanwin != "an":
            role = "cons"  # before a long ā: روسيا rūsiyā, مواجهة muwājahah
        elif voweled:
            if prev.vowel == matching:
                role = "long"
            elif prev.vowel == "a" or prev.sukun or u.sukun:
                role = "cons"  # diphthong (yawm) or after a vowelless letter (ghazw)
            elif prev.letter in _ALEFS or prev.letter in ("و", *_YA):
                role = "cons"
            else:
                role = "long"
        elif prev.letter in _ALEFS or prev.letter in ("و", *_YA) or (i == 1 and prev.letter in _HAMZAS):
            role = "cons"  # after a long vowel, or a word-initial hamza (أيضا ayḍan, أول awwal)
        elif u.letter != "و" and nxt is not None and nxt.letter == "ة":
            role = "nisba"  # unvoweled -ية: īyah
        else:
            role = "long"
        roles[i] = role
    return roles


def _vowel(u: _Unit, nxt: _Unit | None, nxt_role: str | None, default: str = "") -> str:
    """The short vowel after a letter: none when the next letter writes it long (ba + ا = bā)."""
    if u.dagger:
        return "ā"
    if u.tanwin == "an" and nxt is not None and nxt.letter in _ALEFS:
        return "an"  # adverbial -an (رسميًا); the alef after it adds nothing
    if u.vowel:
        if nxt is not None and (
            u.vowel == "a"
            and (nxt.letter in _ALEFS or nxt.letter == "ى")
            and not nxt.vowel
            or u.vowel == "u"
            and nxt.letter == "و"
            and nxt_role == "long"
            or u.vowel == "i"
            and nxt.letter in _YA
            and nxt_role in ("long", "nisba")
        ):
            return ""  # the long vowel letter that follows carries it
        return u.vowel
    if u.tanwin:
        return ""  # case endings are not written
    return default
