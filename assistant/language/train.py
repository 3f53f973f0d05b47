"""Train the language layer's classifiers from their labelled sentences and write the weights beside them.

    python -m assistant.language.train            # every classifier; prints 5-fold cross-validated accuracy

Data: assistant/language/data/<name>.jsonl (see data/README.md). Needs scikit-learn and the embedding model.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from assistant.language.classifiers import NAMES

DATA = Path(__file__).parent / "data"


def examples(name: str) -> tuple[list[str], list[str]]:
    """(texts, labels) of a data file: a reply is read on its own, as the extractor will see it."""
    texts, labels = [], []
    for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        texts.append(row["reply"] if name == "offer_replies" else row["text"])
        labels.append(row["label"])
    return texts, labels


def train(name: str, embedder, embedding_model: str) -> float:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    texts, labels = examples(name)
    vectors = np.asarray(embedder.embed_batch(texts), dtype=np.float32)
    model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    accuracy = float(cross_val_score(model, vectors, labels, cv=folds).mean())
    model.fit(vectors, labels)
    np.savez(DATA / f"{name}.npz", labels=np.array(model.classes_, dtype=str),
             weights=model.coef_.astype(np.float32), bias=model.intercept_.astype(np.float32),
             embedding_model=np.array(embedding_model))
    return accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(NAMES))
    args = parser.parse_args()
    from assistant.embedding import load_embedder
    from assistant.settings import Settings

    settings = Settings()
    embedder = load_embedder(settings)
    for name in args.names:
        accuracy = train(name, embedder, settings.embedding_model)
        print(f"{name}: {len(examples(name)[0])} sentences, 5-fold accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
