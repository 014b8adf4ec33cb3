"""FreeDict ara-eng (dictd format), optional: its senses back up Buckwalter's glosses (ranking rule 7)
and stand in for words Buckwalter lacks. Read here because the dictd index and dictzip body are a format
of their own.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from models.text.arabic import normalize, strip_tashkeel

# Where Debian/Ubuntu, Homebrew and /usr/local installs put the dictd files.
FREEDICT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/dictd/freedict-ara-eng"),
    Path("/usr/local/share/dictd/freedict-ara-eng"),
    Path("/opt/homebrew/share/dictd/freedict-ara-eng"),
)

# --- FreeDict -------------------------------------------------------------------------------

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _b64_number(text: str) -> int:
    n = 0
    for c in text:
        n = n * 64 + _B64[c]
    return n


class _FreeDict:
    """dictd index (headword, base64 offset, base64 length) over a gzip'd (dictzip) body."""

    def __init__(self, base: Path) -> None:
        self._base = base
        self._body_bytes: bytes | None = None
        # headword → its entries' (offset, length) fields, base64 as in the file: decoded when looked up.
        # The index is normalised as one string (its other fields are ASCII, which `normalize` leaves
        # alone): 53,000 calls, one a headword, took half of the load.
        self._index: dict[str, list[tuple[str, str]]] = {}
        index = normalize(base.with_suffix(".index").read_text(encoding="utf-8"))
        for line in index.split("\n"):
            head, _, rest = line.partition("\t")
            offset, _, length = rest.partition("\t")
            if not length or head.startswith("00database"):
                continue
            self._index.setdefault(head, []).append((offset, length))

    @property
    def _body(self) -> bytes:
        if self._body_bytes is None:  # read on the first look-up, not with the index
            self._body_bytes = gzip.decompress(self._base.with_suffix(".dict.dz").read_bytes())
        return self._body_bytes

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def entries(self, key: str) -> list[tuple[str, list[str]]]:
        """(voweled headword, senses) for each entry whose normalised headword is `key`."""
        out = []
        for offset_b64, length_b64 in self._index.get(key, ()):
            offset, length = _b64_number(offset_b64), _b64_number(length_b64)
            text = self._body[offset : offset + length].decode("utf-8", "replace")
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if not lines:
                continue
            head = lines[0].split(" /", 1)[0].strip()
            senses = [re.sub(r"^\d+\.\s*", "", ln) for ln in lines[1:]]
            out.append((head, [s for s in senses if s]))
        return out


def _find_freedict() -> Path | None:
    for base in FREEDICT_CANDIDATES:
        if base.with_suffix(".index").is_file() and base.with_suffix(".dict.dz").is_file():
            return base
    return None


_WORD = re.compile(r"[a-z]+")
# Too common in glosses to show that two of them agree.
_STOP = frozenset([
    "the", "and", "for", "with", "one", "its", "his", "her", "him", "who", "whom", "which", "that", "this",
    "make", "become", "have", "has",
])  # fmt: skip


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


def _agree(ours: set[str], theirs: set[str]) -> bool:
    """Whether two word sets share a word, up to its ending (information ~ informations, military ~
    militarism): equal five-letter beginnings, or a shorter word (4+ letters) that begins the other."""
    if ours & theirs:
        return True
    for x in ours:
        for y in theirs:
            short, long_ = (x, y) if len(x) <= len(y) else (y, x)
            if len(short) >= 5 and short[:5] == long_[:5] or len(short) >= 4 and long_.startswith(short):
                return True
    return False


def _split_proclitics(text: str) -> str:
    """Proclitics peeled by proclitic_splits, shown letter by letter except the article ال."""
    bare = strip_tashkeel(text)
    if bare.endswith("ال"):
        head = "+".join(bare[:-2])
        return f"{head}+ال" if head else "ال"
    return "+".join(bare)
