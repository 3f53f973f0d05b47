"""The ONNX export must give torch's vectors, through the fused graph it is meant to run."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from assistant.embedding import EXPORT_RECIPE, OnnxEmbedder, TorchEmbedder, _weights_digest, resolve_model_path
from assistant.settings import Settings

# Lengths from one word to past the model's 256-token limit, so runs mix padding widths and truncation.
TEXTS = [
    "ok",
    "My card was blocked while I was travelling in Lisbon.",
    "Amy has her exams next week, so it's a busy time for us. " * 3,
    "I'd like to compare rates on my auto insurance; the renewal came in much higher than last year. " * 5,
    "Could you call me back on Friday about switching my mortgage rate? " * 30,
    "Thanks, bye.",
    "The branch said the new debit card would arrive in five working days but it hasn't come yet.",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    model_path = resolve_model_path(Settings().embedding_model)
    cache = tmp_path_factory.mktemp("onnx-cache")
    prefix = f"{model_path.name}-{_weights_digest(model_path)}"
    for older in (prefix, f"{prefix}-an-older-recipe", "other-model-0123", f"{prefix}x"):
        (cache / older).mkdir()
        (cache / older / "model.onnx").write_bytes(b"old")
    return model_path, OnnxEmbedder(model_path, cache, batch_size=3)


def test_onnx_vectors_equal_torch_vectors_across_lengths_and_batches(exported):
    model_path, onnx = exported
    reference = TorchEmbedder(model_path).embed_batch(TEXTS)
    got = onnx.embed_batch(TEXTS)
    assert got.shape == reference.shape
    assert float((reference * got).sum(axis=1).min()) >= 0.9999
    one_by_one = np.stack([onnx.embed_batch([t])[0] for t in TEXTS])  # no padding at all
    assert float(np.abs(one_by_one - got).max()) < 1e-5


def test_the_export_runs_the_fused_graph_without_sdpa_guards(exported):
    import onnx

    _, embedder = exported
    ops = Counter(node.op_type for node in onnx.load(str(embedder.model_file)).graph.node)
    assert ops["BiasGelu"] == 6 and ops["LayerNormalization"] == 13  # one per layer, 12 + the embeddings'
    assert ops["IsNaN"] == 0 and ops["Erf"] == 0



def test_a_new_export_drops_older_exports_of_the_same_weights_only(exported):
    model_path, embedder = exported
    prefix = f"{model_path.name}-{_weights_digest(model_path)}"
    left = sorted(p.name for p in embedder.model_file.parent.parent.iterdir())
    assert left == sorted([f"{prefix}-{EXPORT_RECIPE}", "other-model-0123", f"{prefix}x"])


def test_two_processes_exporting_into_one_empty_cache_both_get_the_model(tmp_path):
    # Two `rapport` commands started together on a fresh machine used to write the same raw.onnx.tmp, and one
    # failed with "No such file or directory" when the other had already renamed it.
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from assistant.embedding import OnnxEmbedder, resolve_model_path;"
            "from assistant.settings import Settings;"
            "e = OnnxEmbedder(resolve_model_path(Settings().embedding_model), Path(sys.argv[1]));"
            "print(e.embed_batch(['hello']).shape)")
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), *p.communicate()) for p in runs]
    assert [rc for rc, _, _ in results] == [0, 0], [err[-800:] for _, _, err in results]
    assert all("(1, 384)" in out for _, out, _ in results)
