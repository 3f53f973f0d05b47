"""Run a drafter over an evaluation set: a fresh temporary store per run, every case's history ingested at once,
one draft per case, every metric and rule check, saved as one JSON file."""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.embedding import Embedder, load_embedder
from assistant.errors import InputError, ModelUnavailable, RapportError
from assistant.evaluation.metrics import (
    CitationCheck,
    EmbeddingCache,
    Judge,
    SentenceSupport,
    check_citations,
    coverage,
    evidence_groups,
    groundedness,
    length,
    record_text,
    rouge,
)
from assistant.evaluation.output import CaseOutput
from assistant.evaluation.sets import VIOLATION_RULES, EvalCase, EvalSet, load_set
from assistant.evaluation.violations import Violation, count_by_rule, find_violations
from assistant.settings import Settings

DrafterName = Literal["grounded", "llm"]
# Metrics where a higher value is better; the rest (violations, latency, errors) are better lower.
HIGHER_IS_BETTER = ("groundedness", "citation_validity", "coverage", "rouge1", "rouge2", "rougeL", "rougeL_full")
LOWER_IS_BETTER = ("violations", "errors", "latency_s", "latency_p95_s")


class CaseResult(BaseModel):
    case_id: str
    draft_type: str
    customer_id: str
    tags: list[str] = Field(default_factory=list)
    output: CaseOutput | None = None
    error: str | None = None
    metrics: dict[str, float | None] = Field(default_factory=dict)
    violations: list[Violation] = Field(default_factory=list)
    missing_facts: list[str] = Field(default_factory=list)
    support: list[SentenceSupport] = Field(default_factory=list)
    citations: CitationCheck = Field(default_factory=CitationCheck)
    reference: str | None = None  # the first reference summary, shown beside the output in reports


class EvalRun(BaseModel):
    run_id: str
    set_name: str
    created_at: datetime
    drafter: str
    label: str  # what this run varies, for reports: "grounded", "llm greeting@v2", "grounded offer_cooldown_days=0"
    prompts: dict[str, str] = Field(default_factory=dict)
    overrides: dict[str, Any] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)  # the knobs that shape drafts
    embedder: str = ""
    git_commit: str | None = None
    ingest_seconds: float = 0.0
    seconds: float = 0.0
    cases: list[CaseResult] = Field(default_factory=list)
    aggregate: dict[str, float | None] = Field(default_factory=dict)
    violations: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> EvalRun:
        path = Path(path)
        if not path.exists():
            raise InputError("no such run file", file=str(path))
        return cls.model_validate_json(path.read_text(encoding="utf-8"))


_embedders: dict[tuple[str, str], Embedder] = {}


def shared_embedder(settings: Settings) -> Embedder:
    """One embedder per model for the whole process: loading it costs seconds, runs are many."""
    key = (settings.embedding_model, settings.embedding_backend)
    if key not in _embedders:
        _embedders[key] = load_embedder(settings)
    return _embedders[key]


def run_settings(base: Settings | None, drafter: DrafterName, prompts: Mapping[str, str] | None,
                 overrides: Mapping[str, Any] | None) -> Settings:
    """The settings a run drafts with: the base, its drafter, prompt versions and any rule overrides."""
    base = base or Settings()
    _check_prompt_versions(prompts or {}, base.prompts_dir)
    data = base.model_dump()
    data["prompt_versions"] = {**base.prompt_versions, **(prompts or {})}
    unknown = sorted(set(overrides or {}) - set(Settings.model_fields))
    if unknown:
        raise InputError(f"unknown setting(s): {', '.join(unknown)}", field="--option")
    data.update(overrides or {})
    if drafter == "grounded":
        data["llm"] = "none"
    elif data.get("llm", "none") == "none":
        raise ModelUnavailable("the llm drafter needs a model: set RAPPORT_LLM (e.g. ollama:llama3.2)")
    return Settings.model_validate(data)


def _check_prompt_versions(prompts: Mapping[str, str], prompts_dir: Path | None) -> None:
    from assistant.llm.prompts import available_versions

    for draft_type, version in prompts.items():
        known = available_versions(draft_type, prompts_dir)
        if version not in known:
            raise InputError(f"no prompt {draft_type}@{version} (there are: {', '.join(known) or 'none'})",
                             field="--prompt")


AssistantFactory = Callable[[Path, Settings, Embedder], Any]


def _open_assistant(store_dir: Path, settings: Settings, embedder: Embedder) -> Any:
    from assistant.facade import Assistant

    return Assistant.open(store_dir, settings=settings, embedder=embedder)


def run_eval(set_name: str | Path | EvalSet, drafter: DrafterName = "grounded",
             prompts: Mapping[str, str] | None = None, limit: int | None = None, embedder: Embedder | None = None,
             *, settings: Settings | None = None, overrides: Mapping[str, Any] | None = None,
             sets_dir: Path | None = None, judge: Judge | None = None,
             assistant_factory: AssistantFactory | None = None,
             progress: Callable[[int, int, str], None] | None = None) -> EvalRun:
    """Draft every case of a set and score it. `overrides` are Settings fields (a rule variant)."""
    evset = set_name if isinstance(set_name, EvalSet) else load_set(set_name, sets_dir, limit=limit)
    if isinstance(set_name, EvalSet) and limit is not None:
        evset = evset.model_copy(update={"cases": evset.cases[:limit]})
    cfg = run_settings(settings, drafter, prompts, overrides)
    # The yardstick stays put when a run overrides grounding_threshold: runs must stay comparable.
    threshold = (settings or Settings()).grounding_threshold
    embedder = embedder or shared_embedder(cfg)
    cache = EmbeddingCache(embedder)
    started = time.perf_counter()
    owners = evset.owners()
    with tempfile.TemporaryDirectory(prefix="rapport-eval-") as tmp:
        store_dir = Path(tmp) / "store"
        assistant = (assistant_factory or _open_assistant)(store_dir, cfg.model_copy(update={"store_dir": store_dir}),
                                                          embedder)
        try:
            t0 = time.perf_counter()
            report = assistant.ingest([i.model_dump(mode="json") for i in evset.interactions()],
                                      customers=[c.model_dump(mode="json") for c in evset.customers()])
            ingest_seconds = time.perf_counter() - t0
            warnings = [f"ingest rejected: {e}" for e in getattr(report, "errors", [])]
            turns, whole = _stored_turns(assistant, evset)
            drafted = []
            for n, case in enumerate(evset.cases, start=1):
                if progress:
                    progress(n, len(evset.cases), case.case_id)
                drafted.append((case, *_draft_timed(assistant, case)))
        finally:
            assistant.close()
    # Embed every claim and cited turn of the run in one call: big sorted batches beat one small call per case.
    cache.embed(_texts_to_embed(drafted, turns, whole))
    results = [_score(case, output, error, latency, threshold, cache, owners, turns, whole, judge)
               for case, output, error, latency in drafted]
    run = EvalRun(
        run_id=_run_id(evset.name, drafter, prompts, overrides), set_name=evset.name, created_at=datetime.now(UTC),
        drafter=drafter, label=run_label(drafter, prompts, overrides), prompts=dict(cfg.prompt_versions),
        overrides=dict(overrides or {}), settings=_draft_knobs(cfg), embedder=getattr(embedder, "name", ""),
        git_commit=_git_commit(), ingest_seconds=round(ingest_seconds, 3),
        seconds=round(time.perf_counter() - started, 3), cases=results, warnings=warnings,
    )
    run.aggregate, run.violations = aggregate(results)
    return run


def _draft_timed(assistant: Any, case: EvalCase) -> tuple[CaseOutput | None, str | None, float]:
    t0 = time.perf_counter()
    try:
        return draft_case(assistant, case), None, time.perf_counter() - t0
    except RapportError as exc:
        return None, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - a crash on one case is a finding, not the end of the run
        return None, f"crash: {type(exc).__name__}: {exc}", time.perf_counter() - t0


def _texts_to_embed(drafted: list[tuple[EvalCase, CaseOutput | None, str | None, float]],
                    turns: Mapping[tuple[str, str], str], whole: Mapping[str, list[str]]) -> list[str]:
    texts: list[str] = []
    for case, output, _, _ in drafted:
        if output is None:
            continue
        texts.append(record_text(case.customer))
        for s in output.sentences:
            texts.append(s.checked_text())
            texts.extend(t for group in evidence_groups(s.citations, turns, whole) for t in group)
    return list(dict.fromkeys(texts))


def _score(case: EvalCase, output: CaseOutput | None, error: str | None, latency: float, threshold: float,
           cache: EmbeddingCache, owners: Mapping[str, str], turns: Mapping[tuple[str, str], str],
           whole: Mapping[str, list[str]], judge: Judge | None) -> CaseResult:
    result = CaseResult(case_id=case.case_id, draft_type=case.draft_type, customer_id=case.customer_id,
                        tags=case.tags, reference=(case.expect.references or [None])[0], error=error)
    if output is None:
        result.metrics = {"errors": 1.0, "latency_s": round(latency, 4)}
        return result
    result.output = output
    score, result.support = groundedness(output.sentences, turns, cache, threshold, judge=judge,
                                         whole=whole, record=record_text(case.customer))
    turn_ids = {iid: set(ids) for iid, ids in whole.items()}
    result.citations = check_citations(output.citations(), case.customer_id, owners, turn_ids)
    cov, result.missing_facts = coverage(output.text, case.expect.required)
    result.violations = find_violations(output, case, owners)
    if case.expect.max_words is not None and length(output.text)["words"] > case.expect.max_words:
        result.violations.append(Violation(rule="forbidden_text", detail=f"longer than {case.expect.max_words} words"))
    result.metrics = {
        "groundedness": score, "citation_validity": result.citations.validity, "coverage": cov,
        **rouge(output.summary_text(), case.expect.references), **_full_rouge(output, case),
        **{k: float(v) for k, v in length(output.text).items()},
        "citations": float(result.citations.total), "violations": float(len(result.violations)),
        "latency_s": round(latency, 4), "errors": 0.0,
    }
    return result


def _full_rouge(output: CaseOutput, case: EvalCase) -> dict[str, float]:
    """ROUGE-L of the whole draft too, where ROUGE proper read only the summary section."""
    if output.summary_text() == output.text or not case.expect.references:
        return {}
    return {"rougeL_full": rouge(output.text, case.expect.references)["rougeL"]}


def draft_case(assistant: Any, case: EvalCase) -> CaseOutput:
    """Ask the assistant for the case's draft type, as of the case's `now`."""
    cid, now = case.customer_id, case.now
    if case.draft_type == "greeting":
        return CaseOutput.from_draft(assistant.greeting(cid, now=now))
    if case.draft_type == "handover":
        return CaseOutput.from_draft(assistant.handover(cid, interaction_id=case.interaction_id, now=now))
    if case.draft_type == "suggestions":
        return CaseOutput.from_suggestions(assistant.suggestions(cid, now=now))
    if not case.question:
        raise InputError(f"case '{case.case_id}': an answer case needs a question", field="question")
    return CaseOutput.from_draft(assistant.ask(cid, case.question, now=now))


def aggregate(results: list[CaseResult]) -> tuple[dict[str, float | None], dict[str, int]]:
    """Mean of each metric over the cases that have it; latency percentiles; violations per rule."""
    names = sorted({k for r in results for k in r.metrics})
    agg: dict[str, float | None] = {"cases": float(len(results))}
    for name in names:
        values = [r.metrics[name] for r in results if r.metrics.get(name) is not None]
        agg[name] = round(statistics.fmean(values), 4) if values else None
    latencies = sorted(r.metrics["latency_s"] or 0.0 for r in results if "latency_s" in r.metrics)
    if latencies:
        agg["latency_p50_s"] = round(statistics.median(latencies), 4)
        agg["latency_p95_s"] = round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 4)
    agg["errors"] = float(sum(1 for r in results if r.error))
    by_rule = count_by_rule([v for r in results for v in r.violations])
    agg["violations_total"] = float(sum(by_rule.values()))
    return agg, {rule: by_rule.get(rule, 0) for rule in VIOLATION_RULES}


def run_label(drafter: str, prompts: Mapping[str, str] | None, overrides: Mapping[str, Any] | None) -> str:
    parts = [drafter, *(f"{k}@{v}" for k, v in sorted((prompts or {}).items()))]
    parts += [f"{k}={v}" for k, v in sorted((overrides or {}).items())]
    return " ".join(parts)


def _run_id(set_name: str, drafter: str, prompts: Mapping[str, str] | None, overrides: Mapping[str, Any] | None) -> str:
    label = run_label(drafter, prompts, overrides).replace(" ", "_").replace("@", "-").replace("=", "-")
    return f"{set_name}_{label}_{datetime.now(UTC):%Y%m%dT%H%M%S}"


def _stored_turns(assistant: Any, evset: EvalSet) -> tuple[dict[tuple[str, str], str], dict[str, list[str]]]:
    """Turn texts as stored (after redaction, as the drafter saw them); the case files where unavailable."""
    turns: dict[tuple[str, str], str] = {}
    whole: dict[str, list[str]] = {}
    stored: dict[str, Any] = {}
    for customer in evset.customers():
        with contextlib.suppress(RapportError, AttributeError):
            stored.update({i.interaction_id: i for i in assistant.interactions(customer.customer_id)})
    for original in evset.interactions():
        interaction = stored.get(original.interaction_id, original)
        whole[interaction.interaction_id] = [t.turn_id for t in interaction.turns]
        for t in interaction.turns:
            turns[(interaction.interaction_id, t.turn_id)] = t.text
    return turns, whole


def _draft_knobs(cfg: Settings) -> dict[str, Any]:
    keys = ("llm", "grounding_threshold", "offer_cooldown_days", "just_bought_days", "recent_contact_days",
            "max_suggestions", "embedding_model", "redact_pii")
    return {k: getattr(cfg, k) for k in keys}


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None
