"""Sentence segmentation with exact character offsets, and long sentences cut into translation pieces.

Sentences (`split_sentences`). A sentence ends at a line break, and at a run of . ! ? ؟ … ۔ (and ؛ on
request, see SEMICOLON_ENDS_SENTENCE) with the closing quotes or brackets right after it, when the run
is followed by white space, the end of the text, or an Arabic letter (web text often drops the space:
"الصين.وقال"). It does not end:
- inside a number, a date or a time (2.5, 3,963, 15.3.2020, 10.30): the stop is not followed by a space;
- after an abbreviation: a chain of single letters (د. م. ص. ق.م. أ.د. U.S.) or a Latin title (Dr. Mr.);
  after a year, the era marks م. / هـ. / ق.م. end the sentence only when the next word opens with و or ف,
  as a new sentence of news prose nearly always does ("ولد عام 1950م. وقد ..." splits; "عام 300 ق.م. بنى" not);
- inside a URL or an e-mail address;
- inside a quotation that closes after the stop (« » “ ” „ " and straight or curly single quotes):
  «الوضع خطير. يجب أن نتحرك» قال الوزير. is one sentence. The quotation must close within
  `MAX_QUOTE` characters of the same paragraph, so a stray quote mark cannot swallow the text after it;
- after a list number at the start of a sentence ("1. "), an omission mark "(...)", before إلخ
  ("etc.": "... إلخ."), or when nothing but punctuation precedes the stop (that punctuation joins the
  next sentence).
Quote marks are told apart as opening or closing from the spaces around them, so reversed marks in
right-to-left text (»...« or ”...“) still pair up.

Spans are trimmed of white space and of invisible marks (BOM, zero-width space, LRM/RLM/ALM, word
joiner), so `text[start:end]` is the sentence exactly, and everything else between sentences is only
white space or such marks.

Translation pieces (`translation_pieces`). Marian models degrade on long inputs (they drop clauses), so
a sentence longer than `max_tokens` subword tokens is cut at clause boundaries: after ، or ؛ (or , ;)
first; then before a clause-opening word: a separate و, كما, ثم, بينما, حيث, فيما, لكن; then و fused to
a particle, pronoun or reporting verb (وقد, وهو, وقال, وأضاف); last و fused to a complementizer or
negation (وأن, وإن, ولم), which often only continues a list of reported clauses. Each cut is the candidate of the best kind nearest the
middle, and the halves are cut again while too long. A sentence without any clause boundary is cut at
plain word boundaries only when it exceeds twice `max_tokens`. Pieces are never cut inside a word and
cover the sentence: only white space lies between them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from models.text.arabic import LETTER_CHARS, TASHKEEL_CHARS, TATWEEL, normalize

__all__ = [
    "INVISIBLE",
    "MAX_QUOTE",
    "SEMICOLON_ENDS_SENTENCE",
    "estimate_subword_tokens",
    "split_sentences",
    "translation_pieces",
]

# Trimmed from sentence edges like white space: they carry no text (byte-order mark, zero-width space,
# word joiner, left-to-right / right-to-left / Arabic letter marks).
INVISIBLE = "\ufeff\u200b\u2060\u200e\u200f\u061c"
MAX_QUOTE = 400  # characters: a longer "quotation" is more likely a stray mark than one quoted unit

_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# The Arabic semicolon ؛ joins clauses of one sentence (a cause, a consequence, a list after it): in
# AQMAR 37 of its 40 uses are inside a sentence, so by default it is a boundary of translation pieces,
# not of sentences; `split_sentences(text, semicolon=True)` makes it a sentence stop as well.
SEMICOLON_ENDS_SENTENCE = False
_STOPS = ".!?؟…۔‼⁇⁈⁉"
_CLOSERS = "\"'”’»›)]}"
_CANDIDATE = re.compile(rf"[{re.escape(_STOPS)}]+[{re.escape(_CLOSERS)}]*|[{_LINE_BREAKS}]+")
_CANDIDATE_SEMICOLON = re.compile(rf"[{re.escape(_STOPS)}؛]+[{re.escape(_CLOSERS)}]*|[{_LINE_BREAKS}]+")
_ETC = frozenset(["إلخ", "الخ", "إلخ.", "الخ."])  # "... إلخ": the list goes on, so does the sentence
_ARABIC_LETTER = re.compile(f"[{LETTER_CHARS}]")

# The chunk before a single ".": its word, or a chain of one-letter abbreviations (ق.م, أ.د, U.S).
_ONE_LETTER = f"[{LETTER_CHARS}A-Za-z][{TASHKEEL_CHARS}{TATWEEL}]*"
_LETTER_CHAIN = re.compile(rf"(?:{_ONE_LETTER}\.)*{_ONE_LETTER}")
_ERA = re.compile(rf"(?:\d*(?:م|ه{TATWEEL}*|ق\.م|ب\.م))")  # AD, AH, BC, "after Christ" after a year
_LATIN_ABBREV = frozenset(
    re.findall(
        r"\S+",
        "mr mrs ms dr prof st jr sr gen col lt sgt capt rev hon vs no nos fig figs vol pp approx ca cf e.g i.e",
    )
)
_OPENING_PUNCT = "([{«“„‹\"'‘"
_PUNCT_ONLY = frozenset(_STOPS + _CLOSERS + _OPENING_PUNCT + "-–—:")
_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)\S+?(?=[.,;:!?؟،؛…»”\"')\]]*(?:\s|$))"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)

# Quote marks: family and nominal direction (+1 opens, -1 closes, 0 either).
_QUOTES = {
    "«": ("g", 1), "»": ("g", -1), "‹": ("g", 1), "›": ("g", -1),
    "“": ("d", 1), "”": ("d", -1), "„": ("d", 1), "‟": ("d", 1), '"': ("d", 0),
    "'": ("s", 0), "‘": ("s", 1), "’": ("s", -1),
}  # fmt: skip
_QUOTE_RE = re.compile("[" + re.escape("".join(_QUOTES)) + f"{_LINE_BREAKS}]")


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch in INVISIBLE


def split_sentences(text: str, semicolon: bool = SEMICOLON_ENDS_SENTENCE) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of `text`, trimmed of white space and invisible marks.

    `text[start:end]` is the sentence exactly; spans are in order and do not overlap. With
    `semicolon`, the Arabic semicolon ؛ ends a sentence like a full stop (see SEMICOLON_ENDS_SENTENCE).
    """
    quotes = _quote_spans(text)
    quote_starts = [a for a, _b in quotes]
    protected = [m.span() for m in _URL.finditer(text)]
    protected_starts = [a for a, _b in protected]
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in (_CANDIDATE_SEMICOLON if semicolon else _CANDIDATE).finditer(text):
        s, f = m.span()
        if text[s] in _LINE_BREAKS:
            _add(text, begin, s, spans)
            begin = f
            continue
        if _is_boundary(text, begin, m, quotes, quote_starts, protected, protected_starts):
            _add(text, begin, f, spans)
            begin = f
    _add(text, begin, len(text), spans)
    return spans


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> tuple[int, int] | None:
    """The span of a sorted, disjoint list that contains `pos` (start <= pos < end), if any."""
    i = bisect.bisect_right(starts, pos) - 1
    if i >= 0 and spans[i][0] <= pos < spans[i][1]:
        return spans[i]
    return None


def _is_boundary(
    text: str,
    begin: int,
    m: re.Match[str],
    quotes: list[tuple[int, int]],
    quote_starts: list[int],
    protected: list[tuple[int, int]],
    protected_starts: list[int],
) -> bool:
    s, f = m.span()
    stops = m.group().rstrip(_CLOSERS)
    after = text[f] if f < len(text) else ""
    spaced = after == "" or _is_space(after)
    if not spaced and not (_ARABIC_LETTER.match(after) and _may_end_unspaced(text, s, stops)):
        return False  # 2.5, 15.3.2020, a.b: the stop is inside a token
    if all(_is_space(c) or c in _PUNCT_ONLY for c in text[begin:s]):
        return False  # nothing but punctuation so far: it joins the next sentence
    if _inside(protected, protected_starts, s):
        return False
    quote = _inside(quotes, quote_starts, s)
    if quote is not None and quote[1] > f:
        return False  # the quotation closes after the stop: the sentence goes on
    if stops in ("...", "…", "..") and s > 0 and text[s - 1] in "([":
        return False  # "(...)": an omission inside the sentence
    if spaced and _next_chunk(text, f) in _ETC:
        return False
    if stops == ".":
        word = _word_before(text, s)
        if re.fullmatch(r"\d{1,3}", word) and text[begin:s].strip() == word:
            return False  # "1. " at the start of a sentence: a list number
        if _ERA.fullmatch(word) and (word[:1].isdigit() or _number_before(text, s - len(word))):
            return after == "" or _next_word(text, f)[:1] in ("و", "ف")
        if _LETTER_CHAIN.fullmatch(word) or word.lower() in _LATIN_ABBREV:
            return False
    return True


def _may_end_unspaced(text: str, s: int, stops: str) -> bool:
    """A stop followed directly by an Arabic letter ends a sentence after a word of two or more letters
    (الصين.وقال), not after a one-letter abbreviation (ق.م, د.أحمد) or inside a URL-like chunk."""
    word = _word_before(text, s)
    if "@" in word or "/" in word or "www" in word.lower():
        return False
    if stops != ".":
        return bool(word)
    letters = [c for c in word.rsplit(".", 1)[-1] if c.isalpha()]
    return len(letters) >= 2


def _word_before(text: str, pos: int) -> str:
    """The non-space chunk ending at `pos`, without opening punctuation in front."""
    i = pos
    while i > 0 and not _is_space(text[i - 1]):
        i -= 1
    return text[i:pos].lstrip(_OPENING_PUNCT)


def _number_before(text: str, pos: int) -> bool:
    """Whether the word before position `pos` (skipping white space) is a number."""
    i = pos
    while i > 0 and _is_space(text[i - 1]):
        i -= 1
    return bool(re.fullmatch(r"[وفبل]?\d[\d.,٫٬]*", _word_before(text, i)))  # 605, و562


def _next_chunk(text: str, pos: int) -> str:
    """The non-space chunk after the white space at `pos`."""
    i = pos
    while i < len(text) and _is_space(text[i]):
        i += 1
    j = i
    while j < len(text) and not _is_space(text[j]):
        j += 1
    return text[i:j]


def _next_word(text: str, pos: int) -> str:
    i = pos
    while i < len(text) and _is_space(text[i]):
        i += 1
    return text[i : i + 1]


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Outermost quotations as (index of the opening mark, index after the closing mark), sorted."""
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    n = len(text)
    for m in _QUOTE_RE.finditer(text):
        i = m.start()
        ch = text[i]
        if ch in _LINE_BREAKS:
            stack.clear()  # a quotation does not run across paragraphs
            continue
        family, nominal = _QUOTES[ch]
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < n else " "
        can_open = (_is_space(prev) or prev in _OPENING_PUNCT or prev == ":") and not _is_space(nxt)
        can_close = not _is_space(prev) and (_is_space(nxt) or not nxt.isalnum())
        if can_open and not can_close:
            role = 1
        elif can_close and not can_open:
            role = -1
        elif family == "s":
            continue  # an apostrophe (Qur'an, Canada’s), not a quote mark
        elif nominal:
            role = nominal
        else:  # a straight double quote between two letters or spaces: toggle
            role = -1 if stack and stack[-1][0] == family else 1
        if role == 1:
            stack.append((family, i))
            continue
        for k in range(len(stack) - 1, -1, -1):
            if stack[k][0] == family:
                start = stack[k][1]
                del stack[k:]
                if i + 1 - start <= MAX_QUOTE:
                    spans.append((start, i + 1))
                break
    spans.sort()
    outer: list[tuple[int, int]] = []
    for a, b in spans:
        if outer and a < outer[-1][1]:
            continue  # nested inside the previous one
        outer.append((a, b))
    return outer


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_space(text[start]):
        start += 1
    while end > start and _is_space(text[end - 1]):
        end -= 1
    return start, end


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    start, end = _trim(text, start, end)
    if start < end:
        spans.append((start, end))


# --- Translation pieces -----------------------------------------------------------------------

# Words that open a clause when they stand alone (a separate word), best kinds first.
_CLAUSE_WORDS = frozenset(normalize(w) for w in re.findall(r"\S+", "و كما ثم بينما حيث فيما لكن ولكن إذ"))
# و fused to what opens a new main clause: particles, pronouns and the verbs news uses to chain reports;
# then, weaker, و fused to a complementizer or negation, which often continues a list of reported clauses.
_WA_MAIN = frozenset(
    normalize(w)
    for w in re.findall(
        r"\S+",
        """قد لقد كان كانت يكون تكون هو هي هم هذا هذه ذلك تلك لكن إذ بينما
        قال قالت أضاف أضافت أكد أكدت أشار أشارت أوضح أوضحت تابع تابعت شدد شددت أعلن أعلنت ذكر ذكرت
        يذكر يأتي تأتي جاء جاءت تم يعد تعد يعتبر اعتبر اعتبرت""",
    )
)
_WA_WEAK = frozenset(normalize(w) for w in re.findall(r"\S+", "أن إن لم لن لا إذا"))
_CLAUSE_PUNCT = "،؛,;"
_WORD_RE = re.compile(r"\S+")
_MARKS_RE = re.compile(f"[{TASHKEEL_CHARS}{TATWEEL}]")


def estimate_subword_tokens(text: str) -> int:
    """A tokenizer-free estimate of a Marian/sentencepiece token count, for when no tokenizer is loaded.

    An Arabic word of news text takes about 1.5–2 pieces of a 32k–64k sentencepiece vocabulary (clitics
    and inflections split off; the 300-piece toy vocabulary of the tests takes 4.3–4.6, a real one about
    half that): 1.8 is used, 1 for words of one or two letters; a Latin word 1.3; a number one piece per
    three digits plus one; a punctuation mark one. Meant to err long, so a limit met by the estimate
    holds for the model.
    """
    total = 0.0
    for chunk in _WORD_RE.findall(_MARKS_RE.sub("", text)):
        for m in re.finditer(r"\d+|[^\W\d_]+|[^\w\s]", chunk):
            piece = m.group()
            if piece[0].isdigit():
                total += 1 + len(piece) // 3
            elif _ARABIC_LETTER.match(piece):
                total += 1.8 if len(piece) > 2 else 1
            elif piece[0].isalpha():
                total += 1.3
            else:
                total += 1
    return int(total + 0.999)


def translation_pieces(
    text: str, max_tokens: int, count: Callable[[str], int] = estimate_subword_tokens
) -> list[tuple[int, int]]:
    """Cut one sentence into pieces of at most `max_tokens` subword tokens, at clause boundaries.

    `count` gives the token count of a string (the translator's tokenizer, or the estimate). Offsets are
    relative to `text`; the pieces are in order, trimmed, and only white space lies between them. A
    sentence that fits, or that has no clause boundary and fits twice over, is one piece.
    """
    start, end = _trim(text, 0, len(text))
    if start == end:
        return []
    out: list[tuple[int, int]] = []
    _cut(text, start, end, max_tokens, count, out)
    return out


def _cut(
    text: str, start: int, end: int, max_tokens: int, count: Callable[[str], int], out: list[tuple[int, int]]
) -> None:
    if count(text[start:end]) <= max_tokens:
        out.append((start, end))
        return
    words = [(start + m.start(), start + m.end()) for m in _WORD_RE.finditer(text[start:end])]
    # Candidate cuts: the index of the word that begins the second piece, with its kind (lower is better).
    candidates: list[tuple[int, int]] = []
    min_words = 3  # a piece shorter than this is not worth translating alone
    for k in range(min_words, len(words) - min_words + 1):
        prev_word = text[words[k - 1][0] : words[k - 1][1]]
        word = text[words[k][0] : words[k][1]]
        key = normalize(word)
        if prev_word[-1] in _CLAUSE_PUNCT or word[0] in _CLAUSE_PUNCT and len(word) == 1:
            candidates.append((0, k))
        elif key in _CLAUSE_WORDS:
            candidates.append((1, k))
        elif key.startswith("و") and key[1:] in _WA_MAIN:
            candidates.append((2, k))
        elif key.startswith("و") and key[1:] in _WA_WEAK:
            candidates.append((3, k))
    if not candidates:
        if count(text[start:end]) <= 2 * max_tokens or len(words) < 2 * min_words:
            out.append((start, end))
            return
        candidates = [(4, k) for k in range(min_words, len(words) - min_words + 1)]
    best_kind = min(kind for kind, _k in candidates)
    middle = len(words) / 2
    k = min((k for kind, k in candidates if kind == best_kind), key=lambda k: (abs(k - middle), k))
    # A lone punctuation word ("، " typed with spaces) stays with the piece before it.
    cut_at = words[k][0]
    if text[words[k][0] : words[k][1]] in _CLAUSE_PUNCT:
        k += 1
        cut_at = words[k][0] if k < len(words) else end
    left_end = words[k - 1][1]
    _cut(text, start, left_end, max_tokens, count, out)
    _cut(text, cut_at, end, max_tokens, count, out)
