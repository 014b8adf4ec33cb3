"""Issue 33, 1(b): the character language models (`models.build.char_lm`) and the tagger reading their
states (`models.names.char_lm`, `--char-lm`). Tiny LMs are trained here on text the test writes, through
the real training code, so the news corpus is not needed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from models.build import char_lm as build
from models.build import train_names
from models.names import bilstm
from models.names.char_lm import FILES, START, CharLms
from models.names.gazetteer import load
from models.text.arabic import tokenize


def _documents() -> list[list[list[tuple[str, str]]]]:
    sentence = [("وصل", "O"), ("هاياشي", "B-PER"), ("إلى", "O"), ("كندا", "B-LOC"), (".", "O")]
    other = [("وقالت", "O"), ("وزارة", "B-ORG"), ("الخارجية", "I-ORG"), ("إن", "O"), ("جولي", "B-PER")]
    return [[sentence, other] * 4]


LINES = [
    "وصل هاياشي إلى كندا يوم الأربعاء .",
    "وقالت وزارة الخارجية إن جولي سافرت إلى طوكيو .",
    "the minister arrived in 2024 , said reuters .",
]


@pytest.fixture(scope="module")
def lm_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("char-lm")
    news = root / "data" / "news-unlabeled"
    news.mkdir(parents=True)
    for i, name in enumerate(build.NEWS_FILES):
        with gzip.open(news / name, "wt", encoding="utf-8") as f:
            for k in range(450):
                f.write(LINES[(i + k) % len(LINES)] + "\n")
    work = root / "work"
    old = build.HOLDOUT_EVERY
    build.HOLDOUT_EVERY = 7
    try:
        build.write_corpus(root / "data", work)
    finally:
        build.HOLDOUT_EVERY = old
    assert (work / "holdout.txt").read_text(encoding="utf-8").count("\n") == 1350 // 7
    for direction in ("forward", "backward"):
        build.train(work, direction, resume=False, hours=1.0, every=1e9, max_steps=3)
    out = root / "lm"
    build.export(work, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    return out


def test_training_resumes_from_its_checkpoint(lm_folder: Path, tmp_path: Path) -> None:
    import shutil

    import torch

    work = tmp_path / "work"
    shutil.copytree(lm_folder.parent / "work", work)
    before = torch.load(work / "forward.ckpt", weights_only=False)
    build.train(work, "forward", resume=True, hours=1.0, every=1e9, max_steps=2)
    after = torch.load(work / "forward.ckpt", weights_only=False)
    assert after["seen"] == before["seen"] + 2 * build.BATCH * build.BPTT
    assert after["pos"] == before["pos"] + 2 * build.BPTT
    assert not torch.equal(after["model"]["out.bias"], before["model"]["out.bias"])


def _torch_lm(saved: dict[str, Any]) -> Any:
    lm = build.new_lm(len(saved["chars"]))
    lm.load_state_dict(saved["model"])
    return lm.eval()


def test_a_tokens_states_are_read_at_its_edges_and_depend_on_its_context(lm_folder: Path) -> None:
    import torch

    lms = CharLms(lm_folder)
    sentence = ["وصل", "هاياشي", "الى", "كندا"]
    (states,) = lms.features([sentence])
    assert states.shape == (4, lms.dim) and lms.dim == 512
    # the numpy LMs give the states of the torch LMs trained (to float16 rounding of the weights)
    work = lm_folder.parent / "work"
    forward, backward = (
        _torch_lm(torch.load(work / f"{d}.ckpt", weights_only=False)) for d in ("forward", "backward")
    )
    with torch.inference_mode():
        # forward: after the start mark and "وصل هاياشي" (the second token's last letter)
        ids = torch.tensor([lms.encode(START + "وصل هاياشي")])
        assert np.allclose(states[1, :256], forward.states(ids)[0][0, -1].numpy(), atol=2e-3)
        # backward: after reading "كندا الى هاياشي" right to left, up to the second token's first letter
        ids = torch.tensor([lms.encode(START + "هاياشي الى كندا"[::-1])])
        assert np.allclose(states[1, 256:], backward.states(ids)[0][0, -1].numpy(), atol=2e-3)
    # a batch of sentences of different lengths gives each the states it gets alone
    other = ["قال", "الوزير"]
    together = lms.features([other, sentence])
    assert np.allclose(together[1], states, atol=1e-5)
    # the same word in another context: other states on both sides
    (moved,) = lms.features([["قال", "هاياشي", "الى", "كندا"]])
    assert not np.allclose(moved[1, :256], states[1, :256])
    (moved,) = lms.features([["وصل", "هاياشي", "من", "كندا"]])
    assert not np.allclose(moved[1, 256:], states[1, 256:])


def test_a_tagger_trained_with_the_char_lm_reads_its_states(lm_folder: Path, tmp_path: Path) -> None:
    import torch

    folder = train_names.train(_documents(), tmp_path / "m", epochs=2, log=False, char_lm=lm_folder)
    meta = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    assert meta["char_lm"] is True and meta["dims"]["lmd"] == 512
    packed = tmp_path / "packed"
    train_names.pack(folder, packed)
    assert {p.name for p in packed.iterdir()} >= set(FILES)
    tagger = bilstm.BiLstmTagger(load(), packed)
    assert tagger.char_lms is not None and tagger.network.lstm[0][0].shape[0] == 64 + 32 + 48 + 32 + 512
    tokens = tokenize("وصل هاياشي إلى كندا .")
    tags = tagger.tag(tokens)
    assert len(tags) == 5 and set(tags) <= set(bilstm.TAGS)
    # the states reach the emissions: without them (zeros) the scores change
    inputs = bilstm.token_inputs(tagger.featurizer, tokens, None, tagger.lists)
    (states,) = tagger.char_lms.features([[n for n, _, _ in inputs]])
    encoded = tagger.vocabularies.encode(inputs, states)
    with_states = tagger.network.emissions([encoded])
    without = tagger.network.emissions([(*encoded[:5], np.zeros_like(states))])
    assert with_states.shape == (1, 5, len(bilstm.TAGS)) and not np.allclose(with_states, without)
    # the torch network (training) reads the same states to the same scores
    network = bilstm.new_network(tagger.vocabularies)
    network.load_state_dict(
        {k: v.float() for k, v in torch.load(folder / "model.pt", weights_only=True).items()}
    )
    tensors = bilstm.batch([encoded])
    assert tensors[-1].shape == (1, 5, 512)
    with torch.inference_mode():
        assert np.allclose(network.eval().emissions(*tensors).numpy(), with_states, atol=1e-3)
    # an older model (no char_lm in vocab.json) still loads and reads no states
    old = train_names.train(_documents(), tmp_path / "old", epochs=1, log=False)
    assert bilstm.BiLstmTagger(load(), old).char_lms is None
