"""A real OpenAI-compatible chat-completions server on 127.0.0.1 that behaves like a language model, and misbehaves.

`POST /v1/chat/completions` reads transflow's request (the last user message is JSON: the segments to
translate, or the violations of a repair round), translates each segment with mtserver's
deterministic fake, writes each glossary term listed in the request as its required rendering, and
answers in the structured format asked for. Every request body and its headers are kept
(`received`, `headers` with lower-case names), so tests can assert what the model was told.

Faults, `inject(fault, times)` for the next requests: "drop" (the last segment left out),
"reorder" (segments reversed), "invalid-json", "length" (cut off, `finish_reason: length`), "extra"
(an id not asked for), "429" (with Retry-After), "500". `misrender(rendering, wrong, repaired)`:
the term's rendering is written `wrong`, and in a repair round right again when `repaired`.
`latency` seconds before every reply; `hold(after)`: requests after the first `after` wait until
`release()`, so a test can kill a run while it certainly has requests in flight.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from mtserver import MTServer, fake_translate


class LLMServer(MTServer):
    """Start with `with LLMServer() as server:`; `server.url` is the base URL (ending in /v1).

    Faults, latency, `hold` and the server's life are MTServer's; `received` and `headers` are the
    request bodies and headers, in order of arrival."""

    def __init__(self, latency: float = 0.0, retry_after: float = 0.2):
        super().__init__(latency=latency, retry_after=retry_after)
        self.wrong: dict[str, tuple[str, bool]] = {}
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.arrived: list[float] = []
        self.prompt_tokens = 0
        self.completion_tokens = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def misrender(self, rendering: str, wrong: str, repaired: bool) -> None:
        self.wrong[rendering] = (wrong, repaired)

    def complete(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one chat-completions request."""
        with self._lock:
            self.received.append(body)
            self.headers.append(headers)
            self.arrived.append(time.monotonic())
            fault = self.faults.popleft() if self.faults else None
        self._wait_if_held()
        if self.latency:
            time.sleep(self.latency)
        if fault == "429":
            return 429, {"Retry-After": str(self.retry_after)}, b'{"error": {"message": "Rate limit reached"}}'
        if fault == "500":
            return 500, {}, b'{"error": {"message": "The server had an error"}}'
        messages = body["messages"]
        last = json.loads(messages[-1]["content"])
        target = re.search(r"into .*? \((\w+)\)", messages[0]["content"]).group(1)
        request = json.loads(messages[1]["content"])
        repairing = "violations" in last
        wanted = [item["id"] for item in last["violations"]] if repairing else [s["id"] for s in request["segments"]]
        texts = {segment["id"]: segment["text"] for segment in request["segments"]}
        glossary = request.get("glossary", [])
        translations = [{"id": id_, "text": self._translate(texts[id_], target, glossary, repairing)} for id_ in wanted]
        finish = "stop"
        if fault == "drop":
            translations = translations[:-1]
        elif fault == "reorder":
            translations.reverse()
        elif fault == "extra":
            translations.append({"id": "s999", "text": "?"})
        content = json.dumps({"translations": translations}, ensure_ascii=False)
        if fault == "invalid-json":
            content = content[: len(content) // 2] + "}"
        elif fault == "length":
            content, finish = content[: len(content) // 2], "length"
        prompt = sum(len(message["content"]) for message in messages) // 4
        with self._lock:
            self.prompt_tokens += prompt
            self.completion_tokens += len(content) // 4
        reply = {
            "id": f"chatcmpl-{len(self.received)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": len(content) // 4,
                "total_tokens": prompt + len(content) // 4,
            },
        }
        return 200, {}, json.dumps(reply).encode()

    def _translate(self, text: str, target: str, glossary: list[dict[str, Any]], repairing: bool) -> str:
        """The fake translation, with each listed term written as asked (or as misrendered)."""
        kept: list[str] = []
        for term in sorted(glossary, key=lambda term: -len(term["term"])):
            rendering = term["rendering"]
            wrong, repaired = self.wrong.get(rendering, (rendering, True))
            written = rendering if repairing and repaired else wrong

            def keep(_match: re.Match[str], written: str = written) -> str:
                kept.append(written)
                return f"[T{len(kept) - 1}T]"

            text = re.sub(re.escape(term["term"]), keep, text, flags=re.IGNORECASE)
        translated = fake_translate(text, target)
        return re.sub(r"\[T(\d+)T\]", lambda match: kept[int(match.group(1))], translated)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self
        base = super()._handler()

        class Handler(base):
            def handle(self) -> None:
                with contextlib.suppress(ConnectionResetError):  # a client killed mid-request (kill -9)
                    super().handle()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._reply(404, {}, b'{"error": {"message": "not found"}}')
                    return
                sent = {name.lower(): value for name, value in self.headers.items()}
                self._reply(*server.complete(body, sent))

        return Handler
