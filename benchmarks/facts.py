"""Fact extraction quality on hand-labelled customer utterances: precision and recall per kind.

    .venv/bin/python benchmarks/facts.py [--write]

Data: benchmarks/facts_labelled.jsonl (the tuning set), benchmarks/facts_{offers,prefs,events,issues}_dev.jsonl
(one kind each, which that kind's rules were tuned on) and benchmarks/facts_heldout.jsonl (written independently,
never tuned on), one customer utterance per line (with the agent turns before it where the meaning
depends on them, e.g. the offer before "no thanks"), labelled by hand with what a careful reader would
record, independent of what the extractor does: "event" (a life event of the customer or someone close),
"preference" (how they want to be contacted or served), "offer_response" (their answer to an agent's offer:
accepted, declined or pending) and "issue" (a problem they need us to deal with); no label means none of these.
Hard negatives are included: other people's events, hypotheticals, questions, answers to underwriting questions.
Sources: real customer turns from tests/data/insurance_calls.jsonl (auto-insurance sales calls from the agentune
project by SparkBeyond, Apache-2.0, see tests/data/NOTICE.md) and from the demo data (assistant/demo, ours),
plus utterances written for this benchmark in the same register.

Method: each item becomes its own one-interaction customer (chat, fixed start time); the default Extractor runs
over all items in one call. A fact counts for an item when it cites the utterance's turn: life_event -> event,
preference -> preference, issue -> issue, offer -> offer_response. An offer counts only when it cites the
utterance as the customer's reply, whatever its status: a pending offer with no reply cites only the agent's
turn and does not count, while "let me think about it" read as pending does. Other kinds (sentiment, detail,
consent, product, promise, verification) are not scored, only counted.
Targets: precision >= 0.8 on event and offer_response.
--write puts the results into BENCHMARKS.md under "## Fact extraction" (that section only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.models import Fact, Interaction  # noqa: E402

DATA = REPO / "benchmarks" / "facts_labelled.jsonl"  # the rules were tuned on this set
HELDOUT = REPO / "benchmarks" / "facts_heldout.jsonl"  # written independently, never used for tuning
OFFERS = REPO / "benchmarks" / "facts_offers_dev.jsonl"  # offers in everyday words; the offer rules were tuned on it
PREFS = REPO / "benchmarks" / "facts_prefs_dev.jsonl"  # preferences in everyday words; those rules were tuned on it
EVENTS = REPO / "benchmarks" / "facts_events_dev.jsonl"  # life events in everyday words; those rules were tuned on it
ISSUES = REPO / "benchmarks" / "facts_issues_dev.jsonl"  # problems in everyday words; those rules were tuned on it
DEV_SETS = (OFFERS, PREFS, EVENTS, ISSUES)
LABELS = ("event", "preference", "offer_response", "issue")
RESPONSES = ("accepted", "declined", "pending")
TARGETS = {"event": 0.8, "offer_response": 0.8}  # minimum precision
KIND_LABEL = {"life_event": "event", "preference": "preference", "issue": "issue", "offer": "offer_response"}
STARTED = datetime(2026, 11, 20, 10, tzinfo=UTC)


def load_items(path: Path = DATA) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def interaction_of(item: dict) -> Interaction:
    """One customer per item, so nothing one item says (a named daughter, an open issue) leaks into another."""
    turns = [*item.get("context", []), {"speaker": "customer", "text": item["utterance"]}]
    return Interaction(interaction_id=item["id"], customer_id=f"bench-{item['id']}", channel="chat",
                       started_at=STARTED, turns=turns)


def predict(extractor, items: list[dict]) -> tuple[dict[str, dict], Counter]:  # type: ignore[no-untyped-def]
    """Per item id: the labels the extractor's facts give the utterance, and the offer status when one counts."""
    facts = extractor.extract([interaction_of(item) for item in items])
    predictions: dict[str, dict] = {}
    unscored: Counter = Counter()
    for item in items:
        utterance_turn = str(len(item.get("context", [])))
        labels: set[str] = set()
        status = None
        for fact in facts.get(item["id"], []):
            if not _cites(fact, utterance_turn):
                continue
            label = KIND_LABEL.get(fact.kind)
            if label is None:
                unscored[fact.kind] += 1
                continue
            labels.add(label)
            if label == "offer_response":
                status = fact.status
        predictions[item["id"]] = {"labels": labels, "offer_response": status}
    return predictions, unscored


def _cites(fact: Fact, turn_id: str) -> bool:
    return any(turn_id in citation.turn_ids for citation in fact.citations)


def score(items: list[dict], predictions: dict[str, dict]) -> dict:
    """Per label: support, tp/fp/fn, precision, recall, F1 and the items behind each error; plus how often the
    offer status agrees where both say offer_response. Precision with nothing predicted is 0."""
    per: dict[str, dict] = {}
    for label in LABELS:
        tp, fp, fn = [], [], []
        for item in items:
            gold = label in item["labels"]
            got = label in predictions.get(item["id"], {}).get("labels", set())
            if gold and got:
                tp.append(item)
            elif got:
                fp.append(item)
            elif gold:
                fn.append(item)
        precision = len(tp) / (len(tp) + len(fp)) if tp or fp else 0.0
        recall = len(tp) / (len(tp) + len(fn)) if tp or fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"support": len(tp) + len(fn), "tp": len(tp), "fp": len(fp), "fn": len(fn),
                      "precision": precision, "recall": recall, "f1": f1,
                      "false_positives": [i["id"] for i in fp], "misses": [i["id"] for i in fn]}
    both = [i for i in items if "offer_response" in i["labels"]
            and "offer_response" in predictions.get(i["id"], {}).get("labels", set())]
    agree = [i for i in both if predictions[i["id"]]["offer_response"] == i.get("offer_response")]
    wrong_status = [(i["id"], i.get("offer_response"), predictions[i["id"]]["offer_response"])
                    for i in both if i not in agree]
    return {"per_label": per, "status_total": len(both), "status_correct": len(agree), "wrong_status": wrong_status}


def report(items: list[dict], scores: dict, unscored: Counter, seconds: float, path: Path, *,
           errors: bool = True) -> str:
    """One set's section: the table, the offer-status agreement and, for the tuning set only, the errors."""
    by_id = {i["id"]: i for i in items}
    sources = Counter(i["source"] for i in items)
    negatives = sum(1 for i in items if not i["labels"])
    mix = ", ".join(f"{n} {s}" for s, n in sorted(sources.items()))
    lines = [
        f"### `{path.relative_to(REPO)}`: {len(items)} utterances ({mix}; {negatives} with no label)",
        "",
        "| kind | support | predicted | precision | recall | F1 | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, s in scores["per_label"].items():
        target = TARGETS.get(label)
        verdict = (f"precision >= {target:.1f}: {'met' if s['precision'] >= target else 'missed'}"
                   if target is not None else "")
        lines.append(f"| {label} | {s['support']} | {s['tp'] + s['fp']} | {s['precision']:.2f} | {s['recall']:.2f} "
                     f"| {s['f1']:.2f} | {verdict} |")
    total, correct = scores["status_total"], scores["status_correct"]
    lines += [
        "",
        f"Offer status (accepted/declined/pending) agrees on {correct}/{total} items where both say offer_response"
        + (f" ({correct / total:.0%})." if total else "."),
        f"Unscored facts citing the utterances: {', '.join(f'{k} {v}' for k, v in sorted(unscored.items()))}.",
        f"Extraction time for all {len(items)} items: {seconds:.1f}s (includes loading the prototypes).",
        "",
    ]
    if not errors:
        return "\n".join([*lines, "Errors are not listed for the held-out set, so that nobody tunes on them.", ""])
    lines += ["Errors (id: utterance):", ""]
    for label, s in scores["per_label"].items():
        for name, ids in (("false positive", s["false_positives"]), ("missed", s["misses"])):
            for item_id in ids:
                lines.append(f"- {label} {name} `{item_id}`: {_short(by_id[item_id]['utterance'])}")
    for item_id, gold, got in scores["wrong_status"]:
        lines.append(f"- offer status `{item_id}` labelled {gold}, extracted {got}: "
                     f"{_short(by_id[item_id]['utterance'])}")
    return "\n".join(lines) + "\n"


INTRO = """## Fact extraction

`benchmarks/facts.py`: customer utterances labelled by hand. Each item is its own one-interaction customer; the
default rule-and-embedding Extractor runs over all of them in one call. A fact counts when it cites the utterance's
turn; an offer counts when it cites the utterance as the customer's reply (any status, so a reply read as pending
counts, an offer with no reply does not). Six sets: the tuning set (insurance utterances from the agentune sample
calls, Apache-2.0; demo: ours; the rest written for it), whose errors the rules were written against, so its
figures flatter the extractor; four sets of 110 utterances in everyday words, one per kind (offers, preferences,
life events, issues), with hard negatives (service steps, one-off requests, what-ifs, other people's events),
written by helpers that saw neither the extractor nor the other sets, which that kind's rules were then tuned on,
so they flatter those rules too; and a held-out set written independently (by a helper that saw neither the
extractor nor the tuning set's errors) and never used for tuning: its figures are the ones to believe.
"""

# Written from the runs of 2026-11-23; re-read it when the numbers move.
READING = """Reading. Rules added on 2026-11-23 against the tuning set's errors (preferences stated by comparison,
"put it in an email", payment preferences; problems named without a product, e.g. "charged twice", "nobody rang back";
insurance add-ons and bundles as products; more ways to say yes, no and maybe; deaths, operations and due dates
without the embedding check) moved the tuning set's recall a lot (event 0.59 -> 0.76, preference 0.56 -> 0.88,
offer response 0.41 -> 0.62, issue 0.57 -> 0.77) and the held-out set's only a little (event 0.47 -> 0.53,
preference 0.17 -> 0.28, offer response 0.17 -> 0.21, issue 0.42 -> 0.47), precision staying at 0.83-1.00 on both.
Most of the tuning gain is fitting those utterances. Two of the new rules were taken back after they changed the
demo's drafts for the worse ("registered the birth" read as a baby still due; "I don't want anyone ringing me
about mortgages" as no calls at all); the demo's greetings and suggestions are as before. Losing a job and retiring
are now their own events (both had been read as "a new job" and wished good luck). Recall on fresh wording
is the rules' weak side: they find what they were written for. RAPPORT_LLM_FACTS adds a model reading each contact
next to them (its facts must cite real lines); its recall depends on the model and is not measured here, as no
model runs offline on this machine. The rules stay precise, which is what the drafts' guardrails need.

Offers, later on 2026-11-23. The held-out set's offer recall of 0.21 came from offer detection: only 5 of its 24
offers were found at all. A new set of 110 offer exchanges (above) scored 0.05. Rules written against it: wider ways
of putting an offer ("Shall I book you in for a mortgage review?", "I can get you a quote", "it might be worth
looking at"), which count only when they name something we sell, are not a service step ("Shall I send a replacement
card?", "Would you like me to freeze the card?"), are not the customer's own request being done, and get an answer;
what an offer is about when no product word names it ("our Gold card", "your limit"); covers and add-ons as
products; the answer is the first reply with clear words, a reply that only asks about the offer waits for the next,
and a reply to the agent's next question is not the answer. Offers set 0.05 -> 0.92 (precision 1.00), tuning set
0.62 -> 0.68, held-out set 0.21 -> 0.50 (precision 1.00, status right 12/12): on fresh wording it still finds only
half. The demo's greetings and suggestions are unchanged; on the 101 insurance calls five offer facts changed, each
checked by hand: two pending offers now cite the customer's question about them, a garbled sentence is no longer a
motorcycle insurance offer, a "Sure would" after "That's what I do right now" now follows the call's recorded "not
interested", and one gained citations.

Preferences, the same day, the same way: held-out preference recall was 0.28 and a new set of 110 utterances
about how customers want to be served scored 0.23. Rules written against that set: channels wished for in everyday
words ("Email's best for me", "I'd rather sort this over chat", "WhatsApp me if you can", "a proper letter through
the door", "use the landline", no voicemails), a short answer to the agent's "how should we contact you?" or "when's
a good time?", more ways to give a time ("any day but Friday", "lunchtime's the only time I can take a call"), and
the manner of service as its own preferences (language, how to address them, who they want to deal with, plain or
step-by-step explanations, large print or Braille, text relay). Preferences set 0.23 -> 0.86 (precision 1.00),
tuning set unchanged (0.88), held-out set 0.28 -> 0.56 (precision 0.83 as before). The demo's greetings and
suggestions are unchanged; on the 101 insurance calls one preference was added ("just email me back": email).

Life events and issues, the same day, the same way (sets of 110 each; they scored 0.33 and 0.33). Events: more
everyday words for each kind ("we lost Dad", "handed my notice in", "got the keys", "tied the knot", "signed off",
"had a stroke", "turns eighteen"), a death told in the past read as past (it had been dated a year ahead, as a
funeral to come), what-ifs, what a policy covers, someone else's wedding and the customer's trade ("I'm a funeral
director") not read as events, nor a friend's or a neighbour's news; a separation or divorce is an event of its own,
acknowledged as gently as a lost job and never asked about; a relative's illness is now asked about as theirs ("I
hope your father is recovering well", not "you"). Issues: problems with no product word ("it's taken the money
twice", "nobody ever rang me back", "a company I've never heard of", "my wages haven't gone in", "I can't afford
this month's payment", "rude and put the phone down"), which the embedding check no longer overrules, and questions
about what would happen if are not problems. Events set 0.33 -> 0.60 (precision 0.79 -> 1.00), issues set 0.33 ->
0.66 (precision 0.96 -> 1.00); held-out events 0.53 -> 0.58, issues 0.47 -> 0.74 (precision 1.00 both); tuning set
precision 0.92 -> 1.00 for issues and 0.97 -> 1.00 for events (the neighbour's daughter's exams), recall unchanged.
The demo's greetings and suggestions are unchanged; on the 101 insurance calls one issue was added ("I'm very
seriously in debt... I can't afford it": payment difficulty), "I've been out of work since then" is a job lost
rather than one being lost, and "I retired them" (the vehicles) still reads as a retirement, now past.

Life events again, later the same day. Of the events set's 28 misses, five had been found by their words and then
turned down by the embedding check, which read the whole sentence and so weighed the request after the event ("We're
getting married in Crete next summer, could I set up a separate savings pot for it?"). It now reads the event's own
clause, and has prototypes for the kinds it lacked (a milestone birthday, a car accident, a charity challenge, a
long trip, completing on a house, starting school). The rest had no words: a child starting school, a crash or
injury of theirs ("had a bit of a prang", "my accident at work"; not an underwriting answer such as "one accident in
2019") and a charity challenge ("the Three Peaks", a sponsored walk) are events of their own; more words for moves
("we've moved", "new address is", "we complete on"), trips ("set off round South America"), hospital ("intensive
care", "rushed in", "had my gallbladder out", a parent going into a care home or cared for), losing a job ("my job's
going in June"), first jobs (an apprenticeship) and "had a baby". A sentence without its "I" ("Picked up a new car
last week") is the customer's own; a job said to be going is ahead even when the news was "just" heard; "my wife and
I just had a baby" is the couple's baby, not the wife being born, and a customer's own baby reads "had a baby", not
"was born"; "born and raised in" and habits ("whenever we go there") are no events. Events set 0.60 -> 0.94
(precision 1.00), tuning set 0.76 -> 0.78 (precision 1.00), held-out events 0.58 -> 0.74 (precision 1.00). The
demo's greetings, suggestions and facts are unchanged; on the 101 insurance calls "born and raised in" is no longer
a new baby, two past mentions became events (a move, "we moved to the country ... ago", and "my business trip") and
a move gained a citation.
"""


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split()).replace("|", "/")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the Fact extraction section of BENCHMARKS.md")
    parser.add_argument("--data", type=Path, action="append", help="labelled utterances (default: all six sets)")
    args = parser.parse_args()

    from assistant.embedding import load_embedder
    from assistant.memory.facts.extract import Extractor
    from assistant.settings import Settings

    extractor = Extractor(load_embedder(Settings()))
    sections = [INTRO, READING]
    for path in args.data or [DATA, *DEV_SETS, HELDOUT]:
        items = load_items(path)
        start = time.perf_counter()
        predictions, unscored = predict(extractor, items)
        seconds = time.perf_counter() - start
        sections.append(report(items, score(items, predictions), unscored, seconds, path.resolve(),
                               errors=path.resolve() != HELDOUT))
    text = "\n".join(sections)
    print(text)
    if args.write:
        from benchmarks.handover_rouge import write_section

        write_section(REPO / "BENCHMARKS.md", "## Fact extraction", text)


if __name__ == "__main__":
    main()
