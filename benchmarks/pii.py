"""PII recognisers against the labelled sets in tests/data (written blind, before tuning): recall per kind and
false masks on the near-miss negatives.

A labelled value counts as caught when every letter and digit of it lies inside a mask. A negative line (nothing
to mask) counts as a false mask when anything in it is masked.

    python benchmarks/pii.py                      # the dev set
    python benchmarks/pii.py --set holdout        # the first held-out set (now development data)
    python benchmarks/pii.py --set holdout2       # the second held-out set (now development data)
    python benchmarks/pii.py --set holdout3       # the third held-out set (score it once per round)
    python benchmarks/pii.py --misses             # print what was missed and what was masked wrongly
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(REPO)  # run as a script: this folder's ingest.py must not hide the ingest package

from ingest.redaction import Redactor  # noqa: E402

DATA = REPO / "tests" / "data"
# The targets: recall >= 0.99 for these, >= 0.95 for every other kind, false masks <= 2%.
STRICT = {"card", "iban", "ssn", "email", "phone"}


def covered(text: str, value: str, spans: list[tuple[int, int, str]]) -> bool:
    start = text.find(value)
    inside = [False] * len(text)
    for s, e, _ in spans:
        for i in range(s, e):
            inside[i] = True
    return all(inside[i] for i in range(start, start + len(value)) if text[i].isalnum())


def score(name: str, redactor: Redactor | None = None, misses: bool = False) -> dict[str, object]:
    redactor = redactor or Redactor(("GB", "US"))
    found, total = Counter(), Counter()
    negatives = false_masks = 0
    for line in (DATA / f"pii_{name}.jsonl").read_text().splitlines():
        item = json.loads(line)
        text, spans = item["text"], redactor.spans(item["text"])
        if not item["spans"]:
            negatives += 1
            if spans:
                false_masks += 1
                if misses:
                    print(f"FALSE MASK {item['id']}: {redactor.redact(text)}")
            continue
        for span in item["spans"]:
            total[span["kind"]] += 1
            if covered(text, span["value"], spans):
                found[span["kind"]] += 1
            elif misses:
                print(f"MISSED {span['kind']:<14} {item['id']}: {span['value']!r} in {redactor.redact(text)}")
    recall = {k: round(found[k] / total[k], 3) for k in sorted(total)}
    return {"set": name, "recall": recall, "counts": {k: f"{found[k]}/{total[k]}" for k in sorted(total)},
            "false_masks": round(false_masks / max(negatives, 1), 3), "negatives": negatives,
            "met": all(r >= (0.99 if k in STRICT else 0.95) for k, r in recall.items())
            and false_masks / max(negatives, 1) <= 0.02}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="dev", choices=["dev", "holdout", "holdout2", "holdout3"])
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    result = score(args.set, misses=args.misses)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
