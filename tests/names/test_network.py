"""The tagger's network run with numpy (what the app tags with) against torch's module (what trains it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.build import train_names
from models.names import bilstm
from models.names.gazetteer import load
from models.names.network import NPZ, Network, load_state
from models.text.arabic import tokenize
from models.text.segment import split_sentences
from tests.support import tiny_documents

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "seeds" / "japan-canada-intelligence.txt").read_text(encoding="utf-8")


def _torch_network(state: dict[str, np.ndarray], vocabularies: bilstm.Vocabularies):
    import torch

    tensors = {k: torch.from_numpy(v) for k, v in state.items()}
    tensors["pemb.weight"] = tensors.pop("pemb.q").float() * tensors.pop("pemb.scale").float().unsqueeze(1)
    network = bilstm.new_network(vocabularies)
    network.load_state_dict({k: v.float() for k, v in tensors.items()})
    return network.eval()


def test_the_shipped_network_gives_torchs_scores_and_paths() -> None:
    import torch

    tagger = bilstm.BiLstmTagger(load())
    state = load_state(bilstm.MODEL_DIR)
    reference = _torch_network(state, tagger.vocabularies)
    sentences = [tokenize(SAMPLE[a:b]) for a, b in split_sentences(SAMPLE)]
    items = [
        tagger.vocabularies.encode(bilstm.token_inputs(tagger.featurizer, tokens, None, tagger.lists))
        for tokens in sentences
    ]
    ours = tagger.network.emissions(items)
    with torch.inference_mode():
        theirs = reference.emissions(*bilstm.batch(items)).numpy()
    for j, item in enumerate(items):
        n = len(item[0])
        assert np.allclose(ours[j, :n], theirs[j, :n], atol=1e-4)
        assert tagger.network.viterbi(ours[j, :n]) == reference.crf.viterbi(torch.from_numpy(theirs[j, :n]))
    tags = tagger.tag_document([(tokens, None) for tokens in sentences])
    assert sum(t.startswith("B-") for sent in tags for t in sent) >= 10  # the sample's names are found


def test_sentences_of_any_length_in_one_batch_match_each_alone() -> None:
    """Sorted longest first and padded, a batch must give every sentence what it gets alone."""
    tagger = bilstm.BiLstmTagger(load())
    texts = ["وصل هاياشي إلى كندا .", SAMPLE[:400], "قالت وزارة الخارجية"]
    items = [
        tagger.vocabularies.encode(bilstm.token_inputs(tagger.featurizer, tokenize(t), None, tagger.lists))
        for t in texts
    ]
    together = tagger.network.emissions(items)
    for j, item in enumerate(items):
        alone = tagger.network.emissions([item])[0]
        n = len(item[0])
        # the letters are padded to the batch's longest word, as in training: scores move a little
        assert tagger.network.viterbi(together[j, :n]) == tagger.network.viterbi(alone[:n])


def test_the_shipped_model_is_numpy_arrays_and_tagging_imports_no_torch() -> None:
    assert (bilstm.MODEL_DIR / NPZ).is_file() and not (bilstm.MODEL_DIR / "model.pt").exists()
    code = (
        "import sys\n"
        "from models.names.recognizer import get_recognizer\n"
        "from models.text.arabic import tokenize\n"
        "r = get_recognizer(None)\n"
        "t = 'التقى وزير الخارجية الياباني يوشيماسا هاياشي نظيرته الكندية في طوكيو .'\n"
        "spans = r.recognize(t, tokenize(t))\n"
        "assert spans, 'no names found'\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_a_packed_model_loads_as_numpy_and_tags_as_before(tmp_path: Path) -> None:
    trained = train_names.train(tiny_documents(), tmp_path / "m", epochs=2, log=False)
    before = bilstm.BiLstmTagger(load(), trained).tag(tokenize("وصل هاياشي إلى كندا ."))
    train_names.pack(trained, tmp_path / "packed")
    assert (tmp_path / "packed" / NPZ).is_file() and not (tmp_path / "packed" / "model.pt").exists()
    assert isinstance(bilstm.BiLstmTagger(load(), tmp_path / "packed").network, Network)
    assert bilstm.BiLstmTagger(load(), tmp_path / "packed").tag(tokenize("وصل هاياشي إلى كندا .")) == before


@pytest.mark.parametrize("rows", [[0, 1], [5, 7, 5]])
def test_vector_rows_are_the_int8_rows_times_their_scale(rows: list[int]) -> None:
    state = load_state(bilstm.MODEL_DIR)
    network = Network(state)
    got = network.vectors(np.array(rows))
    want = state["pemb.q"][rows].astype(np.float32) * state["pemb.scale"][rows].astype(np.float32)[:, None]
    assert got is not None and np.array_equal(got, want)
