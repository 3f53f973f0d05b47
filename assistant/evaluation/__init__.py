"""Evaluation: sets of cases as files, metrics and rule checks, runs saved as JSON, comparisons, the CI gate."""

from assistant.evaluation.compare import Comparison, compare
from assistant.evaluation.gate import GateResult, gate
from assistant.evaluation.runner import CaseResult, EvalRun, run_eval
from assistant.evaluation.sets import EvalCase, EvalSet, Expectations, available_sets, load_set

__all__ = [
    "CaseResult", "Comparison", "EvalCase", "EvalRun", "EvalSet", "Expectations", "GateResult",
    "available_sets", "compare", "gate", "load_set", "run_eval",
]
