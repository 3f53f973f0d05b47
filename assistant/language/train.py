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


# classifier name -> (data file, how a row becomes (text, label) or None to leave it out)
_SOURCES = {
    "offer_replies": ("offer_replies", lambda r: (r["reply"], r["label"])),
    "commitments": ("commitments", lambda r: (r["text"], r["label"])),
    "agent_offers": ("agent_offers", lambda r: (r["text"], r["label"])),
    # which facts an agent's question asks about (ask answers from memory first)
    "fact_questions": ("fact_questions", lambda r: (r["text"], r["label"])),
    # is it news in someone's life at all (anything but a what-if, a question, a state or an idiom)?
    "life_events": ("life_statements", lambda r: (r["text"], "event" if r["status"] not in (
        "not_event", "hypothetical", "question") and r["about"] != "none" else "not_event")),
    # which kind of event, for those that are
    "life_kinds": ("life_statements", lambda r: (r["text"], r["category"]) if r["category"] != "none" else None),
}


def examples(name: str) -> tuple[list[str], list[str]]:
    """(texts, labels) for a classifier: a reply is read on its own, as the extractor will see it."""
    source, read = _SOURCES[name]
    texts, labels = [], []
    for line in (DATA / f"{source}.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        got = read(json.loads(line))
        if got is not None:
            texts.append(got[0])
            labels.append(got[1])
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
    parser.add_argument("names", nargs="*", default=[n for n in NAMES if (DATA / f"{_SOURCES[n][0]}.jsonl").exists()])
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
