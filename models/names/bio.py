"""BIO tags: entities as tags over tokens and back (shared by the taggers, the recogniser and scoring)."""

from __future__ import annotations

from collections.abc import Sequence

from models.document import Entity, Token


def entity_tags(tokens: Sequence[Token], entities: Sequence[Entity]) -> list[str]:
    """BIO tags over `tokens` for entities given by character offsets (an entity owns whole tokens)."""
    tags = ["O"] * len(tokens)
    for e in entities:
        inside = [i for i, t in enumerate(tokens) if t.start < e.end and e.start < t.end]
        if not inside:
            continue
        tags[inside[0]] = f"B-{e.label}"
        for i in inside[1:]:
            tags[i] = f"I-{e.label}"
    return tags


def chunks(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entities of a BIO sequence as (first index, last index + 1, type)."""
    out: set[tuple[int, int, str]] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == kind and start >= 0
        if start >= 0 and not continues:
            out.add((start, i, kind))
            start, kind = -1, ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, label
    return out
