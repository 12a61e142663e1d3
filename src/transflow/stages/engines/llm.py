"""Language models behind any OpenAI-compatible chat-completions endpoint, through the official `openai` package.

OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio, OpenRouter and Mistral all speak
this API. The package is an optional extra (`pip install 'transflow[llm]'`), imported only when the
engine is made. The client's own retries are off: `calling.retrying` retries, honouring Retry-After,
like for every engine. The key comes from the environment variable `mt.api_key_env` names; local
servers need none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transflow.stages.engines.base import EngineUnavailable, TransientError, check_allowed
from transflow.stages.engines.llm_batch import Batch, Segment, estimate_tokens, messages, parse_reply, reply_schema

if TYPE_CHECKING:
    from transflow.domain.glossary import Glossary
    from transflow.stages.settings import EngineSettings

DEFAULT_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Completion:
    """One reply: its text, why it ended, and the tokens billed (estimated when the server does not say)."""

    content: str
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int


class LlmEngine:
    """One endpoint and model for one language pair; safe to share between threads (one HTTP client)."""

    limit = 20_000  # characters in one segment: a model reads much more, but answers within max_tokens

    def __init__(self, settings: EngineSettings, source: str, target: str, _glossary: Glossary):
        url = settings.url or DEFAULT_URL
        check_allowed(url)
        if not settings.llm.model:
            raise EngineUnavailable("no model: set mt.model in transflow.yml (e.g. gpt-4o-mini, llama3.1:8b)")
        try:
            import openai
        except ImportError:
            raise EngineUnavailable("the llm engine needs the openai package: pip install 'transflow[llm]'") from None
        self._openai = openai
        self.settings = settings
        self.source, self.target = source, target
        self.key_variable = settings.llm.api_key_env
        # Local servers (Ollama, llama.cpp) take any key, but the client insists on one.
        key = os.environ.get(self.key_variable) or "no-key"
        self.client = openai.OpenAI(base_url=url, api_key=key, timeout=settings.timeout, max_retries=0)

    def translate(self, text: str) -> str:
        """One text without context, for callers that have no article around it."""
        batch = Batch(self.source, self.target, "", (Segment("s1", text, "text", (), ()),))
        reply = self.complete(messages(batch, self.settings.llm.style), batch.ids)
        return parse_reply(reply.content, reply.finish_reason, batch.ids)["s1"]

    def complete(self, chat: list[dict[str, str]], ids: list[str]) -> Completion:
        """One chat-completions request whose structured reply must carry exactly `ids`."""
        openai = self._openai
        options = self.settings.llm
        try:
            response = self.client.chat.completions.create(  # type: ignore[call-overload]
                model=options.model,
                messages=chat,
                temperature=options.temperature,
                max_tokens=options.max_tokens,
                response_format=reply_schema(ids),
            )
        except openai.RateLimitError as exc:
            raise TransientError(f"rate limited: {_reason(exc)}", retry_after=_retry_after(exc)) from None
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            reason = _reason(exc)
            raise EngineUnavailable(f"key refused (the key is read from ${self.key_variable}): {reason}") from None
        except openai.NotFoundError as exc:
            raise EngineUnavailable(f"model {options.model!r} or endpoint not found: {_reason(exc)}") from None
        except openai.APITimeoutError:
            raise TransientError(f"no reply within {self.settings.timeout:g} s") from None
        except openai.APIConnectionError as exc:
            raise TransientError(f"cannot connect: {exc}", network=True) from None
        except openai.APIStatusError as exc:
            raise TransientError(f"HTTP {exc.status_code}: {_reason(exc)}", retry_after=_retry_after(exc)) from None
        if not response.choices:
            raise TransientError("reply without choices")
        choice = response.choices[0]
        content = choice.message.content or ""
        usage = response.usage
        return Completion(
            content,
            choice.finish_reason,
            usage.prompt_tokens if usage else sum(estimate_tokens(message["content"]) for message in chat),
            usage.completion_tokens if usage else estimate_tokens(content),
        )


def _reason(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return str(getattr(exc, "message", exc))


def _retry_after(exc: Any) -> float | None:
    """Seconds from the Retry-After header (or OpenAI's retry-after-ms), when the server sent one."""
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return float(headers[name]) * scale
        except (KeyError, ValueError):
            continue
    return None
