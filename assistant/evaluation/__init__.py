"""Evaluation: sets of cases as files, metrics and rule checks, runs saved as JSON, comparisons, the CI gate.

The names below are imported on first use (PEP 562), so `rapport eval sets` reads the sets without importing
the runner, and through it the Assistant and its models. `compare` and `gate` are also the submodules' names:
use `from assistant.evaluation.gate import gate`."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Comparison": "compare", "GateResult": "gate", "CaseResult": "runner", "EvalRun": "runner",
    "run_eval": "runner", "EvalCase": "sets", "EvalSet": "sets", "Expectations": "sets",
    "available_sets": "sets", "load_set": "sets",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"assistant.evaluation.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'assistant.evaluation' has no attribute '{name}'")
