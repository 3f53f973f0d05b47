"""Versioned prompt files (prompts/<draft type>/<version>.yaml): validated data, rendered strictly.

A file has exactly these keys: name, version, description, output, variables, system, user, changelog.
Templates use ``$name`` placeholders (string.Template), so JSON braces in a prompt need no escaping.
Unknown keys, undeclared placeholders, and missing or unknown variables at render time are PromptError.
"""

from __future__ import annotations

import hashlib
import json
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import PromptError
from assistant.llm.schemas import OUTPUT_MODELS

REQUIRED_KEYS = ("name", "version", "description", "output", "variables", "system", "user", "changelog")
# Filled in by the renderer, never by the caller: the JSON schema of the declared output model.
BUILTIN_VARIABLES = ("output_schema",)


@dataclass(frozen=True)
class RenderedPrompt:
    system: str
    user: str
    name: str
    version: str
    content_hash: str


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    description: str
    output: str
    variables: dict[str, str]
    system: str
    user: str
    changelog: list[Any]
    content_hash: str
    source: str = ""

    @property
    def output_model(self) -> type:
        return OUTPUT_MODELS[self.output]

    def stamp(self) -> dict[str, str]:
        """What goes into Draft.metadata so a reviewer knows exactly which prompt wrote the draft."""
        return {"prompt": self.name, "prompt_version": self.version, "prompt_hash": self.content_hash}

    def render(self, **values: Any) -> RenderedPrompt:
        missing = sorted(set(self.variables) - set(values))
        unknown = sorted(set(values) - set(self.variables))
        if missing:
            raise PromptError(f"prompt {self.name}/{self.version}: missing variables {missing}")
        if unknown:
            raise PromptError(f"prompt {self.name}/{self.version}: unknown variables {unknown}")
        filled = {k: _as_text(v) for k, v in values.items()}
        filled["output_schema"] = json.dumps(self.output_model.model_json_schema(), indent=1, sort_keys=True)
        return RenderedPrompt(
            system=string.Template(self.system).substitute(filled).strip(),
            user=string.Template(self.user).substitute(filled).strip(),
            name=self.name, version=self.version, content_hash=self.content_hash,
        )


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=1, ensure_ascii=False, default=str)


def _placeholders(template: str, where: str) -> set[str]:
    tmpl = string.Template(template)
    if not tmpl.is_valid():
        raise PromptError(f"{where}: malformed placeholder (use $name or ${{name}}; a literal dollar is $$)")
    return set(tmpl.get_identifiers())


def parse_prompt(text: str, source: str = "<string>") -> PromptTemplate:
    """Validate one prompt file's text; every problem names the file and the key."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PromptError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PromptError(f"{source}: expected a mapping of keys")
    unknown = sorted(set(data) - set(REQUIRED_KEYS))
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if unknown:
        raise PromptError(f"{source}: unknown keys {unknown} (allowed: {', '.join(REQUIRED_KEYS)})")
    if missing:
        raise PromptError(f"{source}: missing keys {missing}")
    for key in ("name", "version", "description", "output", "system", "user"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise PromptError(f"{source}: key '{key}' must be a non-empty string")
    if data["output"] not in OUTPUT_MODELS:
        raise PromptError(f"{source}: output '{data['output']}' is not one of {sorted(OUTPUT_MODELS)}")
    variables = data["variables"]
    if not isinstance(variables, dict) or not all(isinstance(k, str) for k in variables):
        raise PromptError(f"{source}: 'variables' must map each variable name to its description")
    clash = sorted(set(variables) & set(BUILTIN_VARIABLES))
    if clash:
        raise PromptError(f"{source}: variables {clash} are filled in by Rapport and cannot be declared")
    if not isinstance(data["changelog"], list) or not data["changelog"]:
        raise PromptError(f"{source}: 'changelog' must be a non-empty list")
    used = _placeholders(data["system"], f"{source}: system") | _placeholders(data["user"], f"{source}: user")
    undeclared = sorted(used - set(variables) - set(BUILTIN_VARIABLES))
    if undeclared:
        raise PromptError(f"{source}: templates use undeclared variables {undeclared}")
    unused = sorted(set(variables) - used)
    if unused:
        raise PromptError(f"{source}: declared variables {unused} are not used by any template")
    return PromptTemplate(
        name=data["name"], version=data["version"], description=data["description"].strip(),
        output=data["output"], variables={k: str(v) for k, v in variables.items()},
        system=data["system"], user=data["user"], changelog=list(data["changelog"]),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], source=source,
    )


def _prompt_text(draft_type: str, version: str, prompts_dir: Path | None) -> tuple[str, str]:
    filename = f"{version}.yaml"
    if prompts_dir is not None:
        path = Path(prompts_dir) / draft_type / filename
        if not path.is_file():
            raise PromptError(f"no prompt file {path}")
        return path.read_text(encoding="utf-8"), str(path)
    # Shipped prompts are package data of the top-level `prompts` package, so an installed wheel finds them.
    node = resources.files("prompts").joinpath(draft_type, filename)
    if not node.is_file():
        raise PromptError(f"no shipped prompt {draft_type}/{filename}")
    return node.read_text(encoding="utf-8"), f"prompts/{draft_type}/{filename}"


def load_prompt(draft_type: str, version: str, prompts_dir: Path | None = None) -> PromptTemplate:
    text, source = _prompt_text(draft_type, version, prompts_dir)
    prompt = parse_prompt(text, source)
    if prompt.name != draft_type or prompt.version != version:
        raise PromptError(f"{source}: declares {prompt.name}/{prompt.version}, expected {draft_type}/{version}")
    return prompt


def available_versions(draft_type: str, prompts_dir: Path | None = None) -> list[str]:
    """The versions on disk for one draft type, e.g. ['v1', 'v2'], for comparing them side by side."""
    if prompts_dir is not None:
        folder = Path(prompts_dir) / draft_type
        names = [p.name for p in folder.glob("*.yaml")] if folder.is_dir() else []
    else:
        node = resources.files("prompts").joinpath(draft_type)
        names = [c.name for c in node.iterdir() if c.name.endswith(".yaml")] if node.is_dir() else []
    return sorted((n.removesuffix(".yaml") for n in names), key=lambda v: (len(v), v))


def active_prompt(draft_type: str, settings: Any) -> PromptTemplate:
    """The version Settings.prompt_versions selects for this draft type (v1 when unset)."""
    version = settings.prompt_versions.get(draft_type, "v1")
    return load_prompt(draft_type, version, settings.prompts_dir)
