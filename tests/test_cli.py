"""The `rapport` command line on the demo store: every command the README documents runs and says something
sensible; commands that need no model start without loading it; bad arguments are clear errors (exit 2)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app

REPO = Path(__file__).resolve().parents[1]
DEMO_NOW = "2026-11-20T10:00:00Z"  # the demo's "now" (assistant/demo/STORIES.md)
# What the model needs: none of these may be imported by a command that does not embed.
MODEL_MODULES = ("torch", "sentence_transformers", "transformers", "onnxruntime", "spacy")

pytestmark = pytest.mark.slow  # the real model, the demo store, subprocesses


def documented_commands(readme: str) -> list[list[str]]:
    """Every `rapport ...` command in the README's bash blocks, as argv lists without the leading `rapport`.

    `a | b` on one line lists two commands; `greet|handover|suggest` three; `[--now ISO] [--json]` are optional:
    the command runs once without them and once with all of them (ISO: the demo's now)."""
    out: list[list[str]] = []
    for block in re.findall(r"```bash\n(.*?)```", readme, flags=re.S):
        for line in block.splitlines():
            tokens = shlex.split(line, comments=True)
            commands: list[list[str]] = [[]]
            for token in tokens:
                if token == "|":
                    commands.append([])
                else:
                    commands[-1].append(token)
            for words in commands:
                if len(words) < 2 or words[0] != "rapport":
                    continue
                for name in words[1].split("|"):
                    out.extend(_with_optionals([name, *words[2:]]))
    return out


def _with_optionals(words: list[str]) -> Iterator[list[str]]:
    plain, full, optional = [], [], False
    for word in words:
        opens, closes = word.startswith("["), word.endswith("]")
        word = word.strip("[]")
        word = DEMO_NOW if word == "ISO" else word
        if opens or optional:
            full.append(word)
            optional = not closes
        else:
            plain.append(word)
            full.append(word)
    yield plain
    if full != plain:
        yield full


README_COMMANDS = documented_commands((REPO / "README.md").read_text(encoding="utf-8"))


def registered_commands() -> set[str]:
    """'stats', 'users add', 'eval run', ...: every command the `rapport` app has."""
    import typer

    def walk(group: typer.core.TyperGroup, prefix: str) -> Iterator[str]:
        for name, command in group.commands.items():
            if isinstance(command, typer.core.TyperGroup):
                yield from walk(command, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}"

    return set(walk(typer.main.get_command(app), ""))  # type: ignore[arg-type]


def command_name(argv: list[str]) -> str:
    return " ".join(argv[:2]) if argv[0] in {"users", "eval"} else argv[0]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> dict[str, str]:
    """A folder to run in, holding the README's example files, and the demo store built by `rapport demo`.
    Returns the environment the commands run with (their own store, users file and evaluation runs)."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "evaluation").mkdir()
    (folder / "evaluation" / "sets").symlink_to(REPO / "evaluation" / "sets")  # runs land in folder/evaluation/runs
    (folder / "evaluation" / "fresh").symlink_to(REPO / "evaluation" / "fresh")
    env = {"RAPPORT_STORE_DIR": str(folder / "store"), "RAPPORT_EVAL_SETS": str(folder / "evaluation" / "sets"),
           "RAPPORT_USERS_FILE": str(folder / "users.json")}
    demo = REPO / "assistant" / "demo"
    lines = (demo / "interactions.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "calls.jsonl").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    shutil.copy(demo / "customers.jsonl", folder / "customers.jsonl")
    (folder / "chats.csv").write_text(
        "conversation_id,timestamp,speaker,text,customer_id\n"
        'chat-csv-1,2026-11-18T09:00:00Z,customer,"Hello, I\'d like to check my card limit please",cust-csv-ann\n'
        'chat-csv-1,2026-11-18T09:00:30Z,agent,"Of course Ann, one moment",cust-csv-ann\n', encoding="utf-8")
    thresholds = yaml.safe_load((REPO / "evaluation" / "thresholds.yaml").read_text(encoding="utf-8"))
    thresholds["sets"] = {"scenarios": thresholds["sets"]["scenarios"]}  # the full gate is .ci/run's own step
    (folder / "gate-scenarios.yaml").write_text(yaml.safe_dump(thresholds), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        built = CliRunner().invoke(app, ["demo"], env=env)
        assert built.exit_code == 0, built.output
        for name in ("A.json", "B.json"):  # two runs for `eval compare A.json B.json`
            ran = CliRunner().invoke(app, ["eval", "run", "--set", "scenarios", "--limit", "2", "--out", name],
                                     env=env)
            assert ran.exit_code == 0, ran.output
    return {**env, "folder": str(folder)}


# How a documented command runs here, where it differs from the README's line (and why).
ADJUSTED = {
    # the whole gate (three sets, minutes) is .ci/run's own step; here its one small set
    ("eval", "gate"): ["--thresholds", "gate-scenarios.yaml"],
}


def test_the_readme_documents_every_command():
    documented = {command_name(argv) for argv in README_COMMANDS}
    assert registered_commands() - documented == set()
    assert documented - registered_commands() == set()


@pytest.mark.parametrize("argv", README_COMMANDS, ids=[" ".join(a) for a in README_COMMANDS])
def test_every_documented_command_runs_on_the_demo_store(argv, workspace, monkeypatch):
    monkeypatch.chdir(workspace["folder"])
    argv = argv + ADJUSTED.get(tuple(argv[:2]), [])
    env = {k: v for k, v in workspace.items() if k != "folder"}

    result = CliRunner().invoke(app, argv, env=env)

    assert result.exit_code == 0, f"rapport {' '.join(argv)}:\n{result.output}\n{result.exception!r}"
    out = result.stdout.strip()
    assert out, f"rapport {' '.join(argv)} printed nothing"
    assert "Traceback" not in result.output
    if argv[-1] == "--json":
        json.loads(out)
    customer = next((a for a in argv[1:] if a.startswith("cust-")), None)
    if argv[0] in {"greet", "handover", "ask"} and "--json" not in argv:
        # every draft is cited; as of the demo's own now, since by the real clock its stories age out of the
        # greeting (a tenure-only greeting rests on the customer record, not on a turn)
        if "--now" not in argv:
            out = CliRunner().invoke(app, [*argv, "--now", DEMO_NOW], env=env).stdout.strip()
        assert "sources: [int-" in out
    if argv[0] == "timeline":  # date, time, channel, contact, what it was about
        assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d  \w+ +int-\S+ +\S", row) for row in out.splitlines()), out
    if argv[0] == "customers":  # the README's searches are for demo customers
        assert re.search(r"^cust-", out, flags=re.M), out
    if argv[0] == "stats":
        assert "customers: 1" in out  # twelve demo customers (and any the README's ingest added)
    if argv[0] == "facts" and customer:
        assert "[int-" in out


def test_timeline_lists_every_contact_oldest_first(workspace, monkeypatch):
    monkeypatch.chdir(workspace["folder"])
    env = {k: v for k, v in workspace.items() if k != "folder"}

    result = CliRunner().invoke(app, ["timeline", "cust-maria-lopez"], env=env)

    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    rows = [line.split(maxsplit=4) for line in result.stdout.splitlines()]
    demo = [json.loads(x) for x in (REPO / "assistant/demo/interactions.jsonl").read_text().splitlines()]
    expected = sorted((d["started_at"], d["channel"], d["interaction_id"]) for d in demo
                      if d["customer_id"] == "cust-maria-lopez")
    assert [(r[2], r[3]) for r in rows] == [(channel, iid) for _, channel, iid in expected]
    assert [f"{r[0]}T{r[1]}" for r in rows] == [when[:16] for when, _, _ in expected]
    assert all(r[4].strip() for r in rows)  # what each contact was about


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_an_empty_question_is_an_error_with_exit_status_2(question, workspace):
    env = {k: v for k, v in workspace.items() if k != "folder"}

    result = CliRunner().invoke(app, ["ask", "cust-maria-lopez", question], env=env)

    assert result.exit_code == 2
    assert "the question is empty" in result.output


def _modules_after(argv: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run `rapport ARGV` in a fresh interpreter; which of the model's modules it imported, and its exit code."""
    script = (
        "import json, sys\n"
        "from assistant.cli import main\n"
        f"sys.argv = ['rapport', *{argv!r}]\n"
        "try:\n    main()\n    code = 0\n"
        "except SystemExit as exc:\n    code = exc.code or 0\n"
        f"print('\\nMODULES ' + json.dumps({{'code': code, 'loaded': [m for m in {MODEL_MODULES!r} "
        "if m in sys.modules]}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=REPO,
                          env={**_base_env(), **env})
    marker = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
    assert marker, done.stdout + done.stderr
    return json.loads(marker[-1].removeprefix("MODULES "))


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}


@pytest.mark.parametrize("argv", [["stats"], ["customers"], ["customers", "--search", "lopez"],
                                  ["timeline", "cust-maria-lopez"], ["users", "list"], ["eval", "sets"]],
                         ids=" ".join)
def test_commands_that_need_no_model_do_not_load_it(argv, workspace):
    env = {k: v for k, v in workspace.items() if k != "folder"}
    ran = _modules_after(argv, env)
    assert ran == {"code": 0, "loaded": []}


def test_a_command_that_embeds_loads_the_model(workspace):
    """The check above can fail: `ask` embeds the question, so the model's modules are there."""
    env = {k: v for k, v in workspace.items() if k != "folder"}
    ran = _modules_after(["ask", "cust-maria-lopez", "has she declined any offers?"], env)
    assert ran["code"] == 0 and {"transformers", "onnxruntime"} <= set(ran["loaded"])  # type: ignore[arg-type]
