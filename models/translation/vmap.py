"""CTranslate2's vocabulary map for a converted Marian model: which pieces the output layer scores.

opus-mt's 62k-piece vocabulary is shared by the Arabic and the English side; scoring only English pieces,
and the pieces of the sentences being translated (so a name can be copied), halves the output layer, the
biggest single cost of a beam-search step (bench/README.md, issue 20). `models.translation.ct2` writes the
map with a conversion and uses it unless `QARI_MT_VMAP=0`.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

VMAP_FILE = "vmap.txt"


def write_target_vmap(model_dir: Path) -> None:
    """Write a vocabulary map that limits the output to English pieces and to copies of the source's pieces.

    opus-mt models share one vocabulary between the Arabic and the English side (62k entries, about half
    of them Arabic pieces), so every decoding step scores Arabic pieces an English translation never
    needs. CTranslate2's `use_vmap` reads lines "source n-gram<TAB>target tokens": the line with an empty
    source lists the tokens always allowed (target.spm's pieces, `</s>`, `<unk>`); then one line
    "piece<TAB>piece" per source-side piece, so a piece may be output when the sentence contains it (CTranslate2
    takes the union over the sentences of one batch). A
    name the model copies from the Arabic therefore still comes through; what is cut is Arabic the
    sentence does not contain. The first line alone was the map of issue 12 (see `VMAP_COPIES`).
    Skipped when there is no separate target.spm (nothing to restrict to).
    """
    source, target = model_dir / "source.spm", model_dir / "target.spm"
    if not target.is_file() or (source.is_file() and source.read_bytes() == target.read_bytes()):
        return
    import sentencepiece as spm

    names = ("target_vocabulary.json", "shared_vocabulary.json")
    vocab_file = next((model_dir / n for n in names if (model_dir / n).is_file()), None)
    if vocab_file is None:
        return
    vocab = json.loads(vocab_file.read_text(encoding="utf-8"))
    known = set(vocab)

    def pieces(model: Path) -> list[str]:
        sp = spm.SentencePieceProcessor(model_file=str(model))
        return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]

    allowed = [p for p in dict.fromkeys(["</s>", "<unk>", *pieces(target)]) if p in known and " " not in p]
    lines = ["\t" + " ".join(allowed)]
    if source.is_file():
        always = set(allowed)
        lines += [
            f"{p}\t{p}"
            for p in dict.fromkeys(pieces(source))
            if p in known and p not in always and not set(p) & {" ", "\t", "\n"}
        ]
    tmp = model_dir / f"{VMAP_FILE}.{os.getpid()}-{threading.get_ident()}.tmp"  # two loads at once: no clash
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(model_dir / VMAP_FILE)


def vmap_has_copies(folder: Path) -> bool:
    """Whether `folder`'s map lets source pieces through (a conversion older than that has the first line only)."""
    with open(folder / VMAP_FILE, encoding="utf-8") as f:
        f.readline()
        return bool(f.readline().strip())
