"""The shipped entity tagger: a character-aware BiLSTM-CRF over the app's tokens.

Each token is read as four things: its normalised word, its core (proclitics and article peeled: والأرمن →
أرمن), its letters (a convolution over the first 20, max-pooled), and a bag of the CRF featurizer's
discrete features (`models.names.crf.Featurizer`: gazetteer matches and name-word labels, the personal-name
list, Buckwalter lexicon readings, nationality adjectives, shape, short affixes) plus the gazetteer's own
BIO tag. A bidirectional LSTM reads the sentence; a linear-chain CRF layer picks the tag sequence (Viterbi).
All sentences of a text go through in one batch (`tag_document`).

Trained by `python -m models.build.train_names` on ANERcorp's training split (news), the 20 AQMAR
articles and WikiFANE Gold (Wikipedia), so the files in `models/data/names-bilstm/` are derived from all
three: CC BY-SA 4.0 (ANERcorp) and CC BY-SA 3.0 (AQMAR, WikiFANE), see models/data/README.md.

torch trains the network; the app runs it with numpy (`models.names.network`), so tagging imports no torch.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.document import Token
from models.names.crf import DATA_DIR, Featurizer
from models.names.lists import NameLists, load_lists
from models.names.network import Network, load_state
from models.text.arabic import normalize, proclitic_splits

if TYPE_CHECKING:
    from models.lexicon.lexicon import Lexicon
    from models.names.gazetteer import Gazetteer

MODEL_DIR = DATA_DIR / "names-bilstm"
TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
# The featurizer's discrete features the network reads (the identity ones, w= and c=, are embedded apart).
FEATURE_PREFIXES = (
    "k=", "g1=", "g1p=", "gs=", "gt=", "pn", "pnp", "nat", "al", "lx0", "lxp=", "lxP1", "lxpre", "tan",
    "len=", "vd=", "up", "lo", "nd=", "s1=", "s2=", "p2=", "cs2=", "cp2=",
)  # fmt: skip
MAX_CHARS = 20
PAD, UNK = 0, 1
BATCH = 64

TokenInput = tuple[str, str, list[str]]  # normalised word, its core, discrete features
# word, core, char, feature ids, and the word's row in the frozen table of unlabeled-text vectors
Encoded = tuple[list[int], list[int], list[list[int]], list[list[int]], list[int]]


def _core(n: str) -> str:
    return min((rest for _, rest in proclitic_splits(n)), key=len)


def token_inputs(
    featurizer: Featurizer,
    tokens: Sequence[Token],
    gaz_tags: Sequence[str] | None,
    lists: NameLists | None = None,
) -> list[TokenInput]:
    """What the network reads of each token: (normalised word, core, discrete features); with `lists`,
    the typed name lists' features too (`models.names.lists`)."""
    out = []
    norms = [normalize(t.text) if t.kind == "arabic" else t.text.lower() for t in tokens]
    listed = lists.features(norms) if lists is not None else [[] for _ in tokens]
    for i, t in enumerate(tokens):
        n = norms[i]
        features = [f for f in featurizer.word(t.text, t.kind) if f.startswith(FEATURE_PREFIXES)]
        if gaz_tags is not None and gaz_tags[i] != "O":
            features.append("gz=" + gaz_tags[i])
        out.append((n, _core(n) if t.kind == "arabic" else n, features + listed[i]))
    return out


class Vocabulary:
    """Strings ↔ ids; id 1 is the unknown string (0 pads) unless `specials` is empty."""

    def __init__(self, strings: Sequence[str]) -> None:
        self.strings = list(strings)
        self.ids = {s: i for i, s in enumerate(self.strings)}

    def __len__(self) -> int:
        return len(self.strings)

    def get(self, s: str) -> int:
        return self.ids.get(s, UNK)


class Vocabularies:
    """The vocabularies of a model (vocab.json) and the network's dimensions; `pwords`, the words of the
    frozen vector table learned from unlabeled text (`models.build.word_vectors`), only in models that
    have one (dims["pd"] > 0)."""

    def __init__(self, meta: dict[str, Any]) -> None:
        self.words = Vocabulary(meta["words"])
        self.cores = Vocabulary(meta["cores"])
        self.chars = Vocabulary(meta["chars"])
        self.features = Vocabulary(meta["feats"])
        self.pwords = Vocabulary(meta.get("pwords", ["<pad>", "<unk>"]))
        self.dims: dict[str, int] = dict(meta["dims"])

    def encode(self, inputs: Sequence[TokenInput]) -> Encoded:
        feature_ids = self.features.ids
        return (
            [self.words.get(n) for n, _, _ in inputs],
            [self.cores.get(c) for _, c, _ in inputs],
            [[self.chars.get(ch) for ch in n[:MAX_CHARS]] or [UNK] for n, _, _ in inputs],
            [[feature_ids[f] for f in fs if f in feature_ids] for _, _, fs in inputs],
            [self._pword(n, c) for n, c, _ in inputs],
        )

    def _pword(self, n: str, core: str) -> int:
        """The word's row in the vector table, else its core's (والأرمن → أرمن), else unknown."""
        ids = self.pwords.ids
        return ids.get(n) or ids.get(core) or UNK


def batch(items: Sequence[Encoded]) -> tuple[Any, ...]:
    """Padded tensors for a batch of encoded sentences: words, cores, chars, feature ids and offsets
    (for an EmbeddingBag over every padded position), lengths, vector-table rows."""
    import torch

    longest = max(len(it[0]) for it in items)
    letters = max(max(len(x) for x in it[2]) for it in items)
    words: list[list[int]] = []
    cores: list[list[int]] = []
    chars: list[list[list[int]]] = []
    fidx: list[int] = []
    foff: list[int] = []
    pwords: list[list[int]] = []
    for w, c, ch, fs, pw in items:
        pad = [PAD] * (longest - len(w))
        words.append(list(w) + pad)
        pwords.append(list(pw) + pad)
        cores.append(list(c) + pad)
        chars.append([x + [PAD] * (letters - len(x)) for x in ch] + [[PAD] * letters] * len(pad))
        for t in range(longest):
            foff.append(len(fidx))
            if t < len(w):
                fidx.extend(fs[t])
    as_long = torch.long
    return (
        torch.tensor(words, dtype=as_long),
        torch.tensor(cores, dtype=as_long),
        torch.tensor(chars, dtype=as_long),
        torch.tensor(fidx, dtype=as_long),
        torch.tensor(foff, dtype=as_long),
        torch.tensor([len(it[0]) for it in items]),
        torch.tensor(pwords, dtype=as_long),
    )


_NETWORK: Any = None


def network_class() -> Any:
    """The torch module (built on first use, so that importing this file does not import torch)."""
    global _NETWORK
    if _NETWORK is not None:
        return _NETWORK
    import torch
    from torch import nn

    class Crf(nn.Module):
        """Linear-chain CRF layer: transition, start and end scores; negative log-likelihood and Viterbi."""

        def __init__(self, n: int) -> None:
            super().__init__()
            self.trans = nn.Parameter(torch.zeros(n, n))  # from the row's tag to the column's
            self.start = nn.Parameter(torch.zeros(n))
            self.end = nn.Parameter(torch.zeros(n))

        def nll(self, em: Any, tags: Any, mask: Any) -> Any:
            score = self.start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
            alpha = self.start + em[:, 0]
            for t in range(1, em.shape[1]):
                m = mask[:, t]
                step = self.trans[tags[:, t - 1], tags[:, t]] + em[:, t].gather(
                    1, tags[:, t : t + 1]
                ).squeeze(1)
                score = score + m * step
                nxt = torch.logsumexp(alpha.unsqueeze(2) + self.trans.unsqueeze(0), dim=1) + em[:, t]
                alpha = torch.where(m.unsqueeze(1), nxt, alpha)
            last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
            score = score + self.end[last]
            return (torch.logsumexp(alpha + self.end, dim=1) - score).sum()

        def viterbi(self, em: Any) -> list[int]:
            score = self.start + em[0]
            back = []
            for t in range(1, em.shape[0]):
                best, idx = (score.unsqueeze(1) + self.trans).max(0)
                score = best + em[t]
                back.append(idx.tolist())
            k = int((score + self.end).argmax())
            path = [k]
            for idx in reversed(back):
                k = idx[k]
                path.append(k)
            return path[::-1]

    class Network(nn.Module):
        def __init__(
            self, nw: int, nc: int, nch: int, nf: int, wd: int = 64, cd: int = 32, chd: int = 24,
            chf: int = 48, fd: int = 32, hid: int = 128, drop: float = 0.4, npw: int = 2, pd: int = 0,
        ) -> None:  # fmt: skip
            super().__init__()
            self.wemb = nn.Embedding(nw, wd, padding_idx=0)
            self.cemb = nn.Embedding(nc, cd, padding_idx=0)
            self.chemb = nn.Embedding(nch, chd, padding_idx=0)
            self.conv = nn.Conv1d(chd, chf, 3, padding=1)
            self.femb = nn.EmbeddingBag(nf, fd, mode="sum")
            self.drop = nn.Dropout(drop)
            # frozen: learned from unlabeled text (models.build.word_vectors), loaded by train_names
            self.pemb = nn.Embedding(npw, pd, padding_idx=0) if pd else None
            if self.pemb is not None:
                self.pemb.weight.requires_grad = False
            self.lstm = nn.LSTM(wd + cd + chf + fd + pd, hid, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hid, len(TAGS))
            self.crf = Crf(len(TAGS))

        def emissions(self, w: Any, c: Any, ch: Any, fidx: Any, foff: Any, lens: Any, pw: Any) -> Any:
            b, t = w.shape
            letters = self.chemb(ch.view(b * t, -1)).transpose(1, 2)
            letters = torch.relu(self.conv(letters)).max(2).values.view(b, t, -1)
            parts = [self.wemb(w), self.cemb(c), letters, self.femb(fidx, foff).view(b, t, -1)]
            if self.pemb is not None:
                parts.append(self.pemb(pw))
            x = torch.cat(parts, -1)
            packed = nn.utils.rnn.pack_padded_sequence(
                self.drop(x), lens, batch_first=True, enforce_sorted=False
            )
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=t)
            return self.out(self.drop(h))

    _NETWORK = Network
    return Network


def new_network(vocabularies: Vocabularies) -> Any:
    v = vocabularies
    return network_class()(
        len(v.words), len(v.cores), len(v.chars), len(v.features), npw=len(v.pwords), **v.dims
    )


class BiLstmTagger:
    """The shipped model folder (`model.npz` or `model.pt`, `vocab.json`) and the CRF's featurizer: BIO tags
    per token. The network runs with numpy (`models.names.network`): tagging imports no torch."""

    def __init__(
        self, gazetteer: Gazetteer, folder: Path | str = MODEL_DIR, lexicon: Lexicon | None = None
    ) -> None:
        folder = Path(folder)
        self.folder = folder
        self.featurizer = Featurizer(gazetteer, lexicon)
        meta = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        self.vocabularies = Vocabularies(meta)
        # models trained with the typed name lists' features read them (older ones were not)
        self.lists = load_lists() if meta.get("lists") else None
        if meta.get("lists") and self.lists is None:
            raise OSError("the name lists the entity model was trained with are missing")
        self.network = Network(load_state(folder))
        self._lock = threading.Lock()

    def tag(self, tokens: Sequence[Token], gaz_tags: Sequence[str] | None = None) -> list[str]:
        """One BIO tag per token of one sentence."""
        return self.tag_document([(tokens, gaz_tags)])[0]

    def tag_document(
        self, sentences: Sequence[tuple[Sequence[Token], Sequence[str] | None]]
    ) -> list[list[str]]:
        """BIO tags for every sentence of a text: (tokens, the gazetteer's BIO tags) each, in batches."""
        out: list[list[str]] = [[] for _ in sentences]
        todo = [i for i, (tokens, _) in enumerate(sentences) if tokens]
        if not todo:
            return out
        encode = self.vocabularies.encode
        items = [encode(token_inputs(self.featurizer, *sentences[i], self.lists)) for i in todo]
        with self._lock:
            for k in range(0, len(items), BATCH):
                part = items[k : k + BATCH]
                em = self.network.emissions(part)
                for j, it in enumerate(part):
                    out[todo[k + j]] = [TAGS[x] for x in self.network.viterbi(em[j, : len(it[0])])]
        return out


def pack_vectors(state: dict[str, Any]) -> dict[str, Any]:
    """A model state with its frozen vector table as int8 rows and one float16 scale per row: a quarter
    of the float32 table and half the float16 one, for a loss of at most half a step (1/254 of a row's
    largest value) per number. `BiLstmTagger` reads both forms."""
    import torch

    if "pemb.weight" not in state:
        return dict(state)
    out = {k: v for k, v in state.items() if k != "pemb.weight"}
    table = state["pemb.weight"].float()
    scale = table.abs().amax(1).clamp(min=1e-8) / 127
    out["pemb.q"] = torch.round(table / scale.unsqueeze(1)).to(torch.int8)
    out["pemb.scale"] = scale.half()
    return out
