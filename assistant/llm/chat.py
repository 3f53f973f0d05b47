"""Chat-model providers chosen by Settings.llm, and one guarded call that returns validated structured output.

settings.llm: "none" | "ollama:<model>" | "openai:<model>" | "llamacpp:<path.gguf>". Any LangChain
BaseChatModel can also be passed in directly (tests pass LangChain's own fake chat models).
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.errors import ModelUnavailable
from assistant.settings import Settings


class LLMFailure(Exception):
    """The model did not give a usable answer; `reason` goes into Draft.metadata['fallback']."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def build_llm(settings: Settings) -> Any:
    """The chat model settings.llm names, or None for "none". Raises ModelUnavailable with what to do."""
    spec = (settings.llm or "none").strip()
    if spec.lower() == "none":
        return None
    provider, _, target = spec.partition(":")
    provider = provider.lower()
    if not target:
        raise ModelUnavailable(f"RAPPORT_LLM='{spec}': expected <provider>:<model>, e.g. ollama:llama3.2")
    timeout = settings.llm_timeout_s
    if provider == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise ModelUnavailable("RAPPORT_LLM=ollama:... needs the langchain-ollama package") from exc
        kwargs: dict[str, Any] = {"model": target, "temperature": 0, "client_kwargs": {"timeout": timeout}}
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
        return ChatOllama(**kwargs)
    if provider == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise ModelUnavailable("RAPPORT_LLM=openai:... needs the langchain-openai package") from exc
        # A local OpenAI-compatible server usually takes any key; the client refuses to start without one.
        api_key = settings.llm_api_key or ("not-needed" if settings.llm_base_url else None)
        if api_key is None:
            raise ModelUnavailable("RAPPORT_LLM=openai:... needs RAPPORT_LLM_API_KEY (or RAPPORT_LLM_BASE_URL)")
        return ChatOpenAI(model=target, base_url=settings.llm_base_url, api_key=api_key, temperature=0,
                          timeout=timeout, max_retries=0)
    if provider == "llamacpp":
        try:
            from langchain_community.chat_models import ChatLlamaCpp
        except ImportError as exc:
            raise ModelUnavailable(
                "RAPPORT_LLM=llamacpp:... needs the optional extra: pip install 'rapport[local]' langchain-community"
            ) from exc
        try:
            return ChatLlamaCpp(model_path=target, temperature=0, n_ctx=4096, verbose=False)
        except Exception as exc:  # noqa: BLE001 - a missing or unreadable .gguf is the user's to fix
            raise ModelUnavailable(f"cannot load llama.cpp model {target}: {exc}") from exc
    raise ModelUnavailable(f"RAPPORT_LLM='{spec}': unknown provider '{provider}' (none, ollama, openai, llamacpp)")


def model_name(llm: Any) -> str:
    for attr in ("model_name", "model", "model_path"):
        value = getattr(llm, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(llm).__name__


def _content_text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def parse_json_object(text: str) -> Any:
    """The first JSON object in a model's answer, tolerating a code fence or words around it."""
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON object in the answer")
    obj, _ = json.JSONDecoder().raw_decode(text[start:])
    return obj


def invoke_structured(llm: Any, system: str, user: str, schema: type[BaseModel], timeout_s: float) -> BaseModel:
    """Ask the model once and validate its answer against `schema`.

    The call runs in a daemon thread so a hung server cannot hold the agent's screen past timeout_s;
    a late answer is simply discarded. Raises LLMFailure with a short reason.
    """
    from langchain_core.messages import HumanMessage, SystemMessage

    box: dict[str, Any] = {}

    def call() -> None:
        try:
            box["answer"] = llm.invoke([SystemMessage(content=system), HumanMessage(content=user)])
        except BaseException as exc:  # noqa: BLE001 - reported to the caller below
            box["error"] = exc

    worker = threading.Thread(target=call, name="rapport-llm", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise LLMFailure(f"timeout: no answer within {timeout_s:g} s")
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower():
            raise LLMFailure(f"timeout: {exc}")
        raise LLMFailure(f"unreachable: {type(exc).__name__}: {str(exc)[:200]}")
    text = _content_text(box.get("answer"))
    try:
        return schema.model_validate(parse_json_object(text))
    except (ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0][:200]
        raise LLMFailure(f"invalid output: {first}") from exc
