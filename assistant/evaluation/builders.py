"""Build the shipped evaluation sets from public data (deterministic, so the files diff cleanly on a rebuild):

    python -m assistant.evaluation.builders --dialogsum /work/shared/data/dialogsum_dev.jsonl \\
        --insurance /work/shared/data/insurance_calls.jsonl --out evaluation/sets
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

from assistant.evaluation.sets import EvalCase, Expectations, ForbiddenPitch, RequiredFact, write_set
from assistant.models import Customer, Interaction, Turn, as_utc

DIALOGSUM_LICENSE = "CC BY-NC-SA 4.0 (DialogSum, Chen et al. 2021) - evaluation only; adapted, see NOTICE.md"
INSURANCE_LICENSE = "Apache-2.0 (agentune sample insurance sales calls)"
_STOP = frozenset(re.findall(r"\S+", """
a about after again all also an and any are as at be because been before being both but by can could
did do does doing down during each few for from further had has have having he her here hers him his how i if in into
is it its just me more most my no nor not now of off on once only or other our out over own same she should so some
such than that the their them then there these they this those through to too under until up very was we were what
when where which while who whom why will with would you your agent customer person going wants want tells asks thinks
doesn't don't isn't aren't can't won't didn't wasn't weren't haven't hasn't couldn't wouldn't shouldn't"""))


# ---- DialogSum dev: handovers scored against the reference summaries ----------------------------------------
def _clean(text: str) -> str:
    """DialogSum's tokenised apostrophes ("I ' Ve") back to plain English ("I've")."""
    text = re.sub(r"(\w) ' (\w)", lambda m: f"{m.group(1)}'{m.group(2).lower()}", text)
    return re.sub(r"\s+([,.?!])", r"\1", text).strip()


def _roles(summary: str) -> str:
    """#Person1# is the customer and #Person2# the agent in the transcripts we build (as in
    benchmarks/dialogsum_rouge.py: #Person1# usually opens the conversation), so in the summaries too."""
    out = summary.replace("#Person1#", "the customer").replace("#Person2#", "the agent")
    return re.sub(r"(^|[.!?]\s+)the (agent|customer)", lambda m: f"{m.group(1)}The {m.group(2)}", out)


def _keywords(summary: str, dialogue: str, n: int = 3) -> list[str]:
    """Up to n content words of the reference summary that the dialogue also says: facts a handover must keep."""
    said = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]+", dialogue)}
    picked: list[str] = []
    for word in re.findall(r"[A-Za-z][A-Za-z'-]+", summary):
        w = word.lower().strip("'-")
        if len(w) >= 4 and w not in _STOP and w in said and w not in picked:
            picked.append(w)
    return picked[:n]


def dialogsum_cases(src: Path, n: int = 100) -> list[EvalCase]:
    """The first n two-person dialogues of DialogSum dev as chat handovers (#Person1# customer, #Person2# agent)."""
    cases: list[EvalCase] = []
    start = datetime(2025, 3, 3, 10, 0)
    for row in (json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()):
        if len(cases) >= n:
            break
        if set(re.findall(r"#Person\d#", row["dialogue"])) != {"#Person1#", "#Person2#"}:
            continue
        turns = []
        for k, line in enumerate(row["dialogue"].splitlines()):
            m = re.match(r"\s*#Person([12])#:\s*(.*)", line)
            if not m or not m.group(2).strip():
                continue
            turns.append(Turn(speaker="customer" if m.group(1) == "1" else "agent", text=_clean(m.group(2)),
                              turn_id=str(k), at=as_utc(start + timedelta(seconds=20 * k))))
        cid = f"ds-{row['id']}"
        interaction = Interaction(interaction_id=f"{cid}-chat", customer_id=cid, channel="chat",
                                  started_at=as_utc(start), turns=turns, tags=[row.get("topic", "")])
        reference = _clean(_roles(row["summary"]))
        required = [RequiredFact(name=w, any=[w]) for w in _keywords(reference, row["dialogue"])]
        cases.append(EvalCase(
            case_id=f"dialogsum-{row['id']}", draft_type="handover", now=as_utc(start + timedelta(minutes=30)),
            customer=Customer(customer_id=cid, name=f"Customer {row['id'].split('_')[-1]}"),
            interactions=[interaction], interaction_id=interaction.interaction_id,
            expect=Expectations(required=required, references=[reference]),
            tags=["dialogsum", row.get("topic", "")], source=f"DialogSum {row['id']}",
        ))
    return cases


# ---- insurance sales calls: follow-up suggestions, expectations from each call's outcome -------------------
_AUTO = ["auto insurance", "car insurance", "auto policy", "auto quote", "insurance quote", "quote", "auto coverage"]
_FOLLOW_UP = RequiredFact(name="a follow-up", any=["follow up", "follow-up", "call back", "callback", "check in",
                                                 "get back to", "reach out", "remind"])
_THE_QUOTE = RequiredFact(name="the auto insurance quote", any=["quote", "auto insurance", "car insurance",
                                                                "insurance", "policy", "coverage"])


def insurance_expectations(outcome: str, at: datetime) -> tuple[Expectations, str]:
    """What a follow-up suggestion must do a week after the call, from the call's recorded outcome."""
    if outcome.startswith("process paused"):  # the customer asked for time: the follow-up is the next step
        return Expectations(required=[_FOLLOW_UP, _THE_QUOTE]), "paused"
    if outcome == "customer not interested":  # a declined offer: not again within the cool-down
        pitch = ForbiddenPitch(rule="repitch_cooldown", topic="auto insurance", keywords=_AUTO, since=at)
        return Expectations(no_pitch=[pitch]), "declined"
    if outcome == "no quote - ineligible customer":
        pitch = ForbiddenPitch(rule="ineligible_pitch", topic="auto insurance", keywords=_AUTO, since=at)
        return Expectations(no_pitch=[pitch]), "ineligible"
    if outcome == "buy":  # just bought: welcome them, do not sell it again
        pitch = ForbiddenPitch(rule="just_bought_push", topic="auto insurance", keywords=_AUTO, since=at)
        return Expectations(no_pitch=[pitch]), "bought"
    return Expectations(), "objections"  # objections not handled: no rule to hold, the general checks still run


def insurance_cases(src: Path) -> list[EvalCase]:
    cases = []
    for line in src.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        interaction = Interaction.model_validate_json(line)
        outcome = interaction.outcome or ""
        expect, label = insurance_expectations(outcome, interaction.started_at)
        number = interaction.customer_id.split("-")[-1]
        customer = Customer(customer_id=interaction.customer_id, name=f"Caller {number}",
                            products=["auto insurance"] if label == "bought" else [])
        cases.append(EvalCase(
            case_id=f"insurance-{interaction.interaction_id}", draft_type="suggestions",
            now=interaction.started_at + timedelta(days=7), customer=customer, interactions=[interaction],
            expect=expect, tags=["insurance", label], notes=f"call outcome: {outcome}",
            source=f"agentune {interaction.metadata.get('source_conversation_id', '')}",
        ))
    return cases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dialogsum", type=Path)
    parser.add_argument("--dialogsum-n", type=int, default=100)
    parser.add_argument("--insurance", type=Path)
    parser.add_argument("--out", type=Path, default=Path("evaluation/sets"))
    args = parser.parse_args(argv)
    if args.dialogsum:
        write_set(args.out / "dialogsum-handover.jsonl", dialogsum_cases(args.dialogsum, args.dialogsum_n),
                  description="Chat handovers of DialogSum dev dialogues, ROUGE against the reference summaries "
                              "(#Person1# = customer, #Person2# = agent) and summary keywords as required facts.",
                  license=DIALOGSUM_LICENSE, source="https://github.com/cylnlp/dialogsum (dev split)")
    if args.insurance:
        write_set(args.out / "insurance-followup.jsonl", insurance_cases(args.insurance),
                  description="Follow-up suggestions a week after each insurance sales call: paused quotes need a "
                              "follow-up; declined, ineligible and just-bought customers must not be pitched again.",
                  license=INSURANCE_LICENSE, source="agentune insurance sales calls sample")


if __name__ == "__main__":
    main()
