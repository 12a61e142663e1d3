"""A real HTTP translation server on 127.0.0.1 for tests and benchmarks.

It speaks LibreTranslate's API (`POST /translate`, what deep-translator's LibreTranslator sends),
MyMemory's (`GET /get`), Google Translate's mobile page (`GET /m`, which deep-translator scrapes)
and the part of DeepL's API the official `deepl` client uses
(`/v2/translate`, `/v2/glossaries`).
It translates deterministically (a few Dutch spelling rules and a small word list, so output
differs from input but is reproducible) and injects faults on demand:

- `latency`: seconds to wait before every reply;
- `inject(fault, times)`: the next `times` requests get `fault`: "429" (with Retry-After), "500",
  "403" (bad key), "timeout" (no reply until long after the client gave up), "malformed" (200
  with broken JSON), "empty" (an empty translation), "drop-placeholder", "duplicate-placeholder",
  "brand" (brand names translated, ® dropped), "garble" (every word reversed), "quota"
  (MyMemory's quota message as a translation);
- `inject_when(text, fault)`: every request containing `text` gets `fault`;
- `hold(after)`: requests after the first `after` wait until `release()`, so a test can act while
  a run is certainly still going (and, once `held` equals the run's concurrency, idle);
- `realistic = True`: what real engines do now and then, chosen by a hash of the text so it is
  reproducible: placeholders moved, dropped, lower-cased or spaced, spaces added around markup,
  brand names translated, ® dropped;
- `mangle_terms = True`: what engines do to terms, on every reply: acronyms misspelt (NMDA ->
  NDMA), brand names translated and ® dropped, a suffix glued to a placeholder (`[X0X]s`), the
  next word glued to a placeholder, emphasis opened with a space (`** word`).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PLACEHOLDER = re.compile(r"\[X(\d+)X\]")
_WORDS = {
    "de": "the",
    "het": "the",
    "een": "a",
    "en": "and",
    "van": "of",
    "is": "is",
    "in": "in",
    "magnesium": "magnesium",
    "tekort": "deficiency",
    "bij": "with",
    "op": "on",
    "voor": "for",
    "niet": "not",
    "zijn": "are",
    "kan": "can",
    "met": "with",
    "dat": "that",
    "die": "which",
}
_RULES = (("ij", "y"), ("oe", "u"), ("aa", "a"), ("uu", "u"), ("ee", "e"), ("sch", "sh"))


def fake_translate(text: str, target: str) -> str:
    """Deterministic stand-in for a translation: word list, then spelling rules."""

    def word(match: re.Match) -> str:
        original = match.group()
        lower = original.lower()
        if lower in _WORDS:
            result = _WORDS[lower]
            return result.capitalize() if original[0].isupper() else result
        for old, new in _RULES:
            original = original.replace(old, new)
        return original

    parts = re.split(r"(\[X\d+X\])", text)
    return "".join(part if PLACEHOLDER.fullmatch(part) else re.sub(r"[^\W\d_]+", word, part) for part in parts)


def translate_brands(text: str) -> str:
    return text.replace("Magtein®", "Magtein").replace("Magtein", "Magtijn").replace("HPA-as", "HPA-ace")


def realistic(text: str) -> str:
    """Mangle a translation the way real engines sometimes do, chosen by the text's hash."""
    roll = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    found = PLACEHOLDER.findall(text)
    choice = roll % 10
    if found and choice == 0:  # drop one placeholder
        victim = found[roll // 10 % len(found)]
        text = text.replace(f"[X{victim}X]", "", 1)
    elif found and choice == 1:  # move the first placeholder to the end
        first = f"[X{found[0]}X]"
        text = text.replace(first, "", 1).rstrip() + " " + first
    elif found and choice == 2:  # spaces inside and around placeholders
        text = PLACEHOLDER.sub(lambda m: f" [X {m.group(1)}X ] ", text)
    elif found and choice == 3:  # lower case, full-width brackets
        text = PLACEHOLDER.sub(lambda m: f"［x{m.group(1)}x］", text)
    elif choice == 4:
        text = text.replace("®", "")
    elif choice == 5:
        text = translate_brands(text)
    elif found and choice == 6:  # duplicate a placeholder
        first = f"[X{found[0]}X]"
        text = text.replace(first, first + " " + first, 1)
    elif choice == 7:  # spacing changed around markup
        text = re.sub(r"\*\*(\S)", r"** \1", text)
        text = re.sub(r"\]\(", "] (", text)
    return text


def mangle_terms(text: str) -> str:
    """Every kind of damage engines do to terms and the markup around them, all at once."""
    text = re.sub(r"\b([A-Z])([A-Z])([A-Z])([A-Z]*)\b", r"\1\3\2\4", text)
    text = translate_brands(text).replace("®", "")
    text = re.sub(r"(\[X\d+X\])(?=[.,;:])", r"\1s", text)
    text = re.sub(r"(\[X\d+X\]) (?=[a-z])", r"\1", text)
    return re.sub(r"\*\*(?=\w)", "** ", text)


class MTServer:
    """Start with `with MTServer() as server:`; `server.url` is the LibreTranslate base URL."""

    def __init__(
        self,
        latency: float = 0.0,
        realistic_mode: bool = False,
        retry_after: float = 0.05,
        stall: float = 2.0,
        mangle_terms: bool = False,
    ):
        self.latency = latency
        self.realistic = realistic_mode
        self.mangle_terms = mangle_terms
        self.retry_after = retry_after
        self.stall = stall
        self.faults: deque[str] = deque()
        self.faults_when: dict[str, str] = {}
        self.requests = 0
        self.characters = 0
        self.texts: list[str] = []
        self.sent: list[tuple[str, str]] = []
        self.glossaries: dict[str, dict] = {}
        self.held = 0
        self._arrived = 0
        self._hold_after: int | None = None
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def inject(self, fault: str, times: int = 1) -> None:
        with self._lock:
            self.faults.extend([fault] * times)

    def inject_when(self, substring: str, fault: str) -> None:
        """Every request whose text contains `substring` gets `fault`."""
        with self._lock:
            self.faults_when[substring] = fault

    def hold(self, after: int) -> None:
        """Translation requests after the first `after` wait until `release()`."""
        with self._lock:
            self._hold_after = after
            self._released.clear()

    def release(self) -> None:
        self._released.set()

    def __enter__(self) -> MTServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def _next_fault(self, text: str, target: str) -> str | None:
        with self._lock:
            self.requests += 1
            self.characters += len(text)
            self.texts.append(text)
            self.sent.append((target, text))
            for substring, fault in self.faults_when.items():
                if substring in text:
                    return fault
            return self.faults.popleft() if self.faults else None

    def _wait_if_held(self) -> None:
        with self._lock:
            self._arrived += 1
            held = self._hold_after is not None and self._arrived > self._hold_after
            self.held += held
        if held:
            self._released.wait()
            with self._lock:
                self.held -= 1

    def answer(self, text: str, target: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one translation request."""
        self._wait_if_held()
        if self.latency:
            time.sleep(self.latency)
        fault = self._next_fault(text, target)
        if fault == "429":
            return 429, {"Retry-After": str(self.retry_after)}, b'{"error": "Slowdown"}'
        if fault == "500":
            return 500, {}, b'{"error": "Internal error"}'
        if fault == "403":
            return 403, {}, b'{"error": "Invalid API key"}'
        if fault == "timeout":
            time.sleep(self.stall)
        if fault == "malformed":
            return 200, {}, b'{"translatedText": "unterminated'
        translated = fake_translate(text, target)
        if fault == "empty":
            translated = ""
        elif fault == "drop-placeholder":
            translated = PLACEHOLDER.sub("", translated, count=1)
        elif fault == "duplicate-placeholder":
            translated = PLACEHOLDER.sub(lambda m: m.group() * 2, translated, count=1)
        elif fault == "brand":
            translated = translate_brands(translated)
        elif fault == "quota":
            translated = (
                "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. "
                "NEXT AVAILABLE IN  10 HOURS 20 MINUTES 31 SECONDS"
            )
        elif fault == "garble":
            translated = re.sub(r"\S+", lambda m: m.group()[::-1], translated)
        elif self.realistic:
            translated = realistic(translated)
        if self.mangle_terms:
            translated = mangle_terms(translated)
        return 200, {}, json.dumps({"translatedText": translated}).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # As production servers do: without it, keep-alive replies wait for delayed ACKs.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: object) -> None:
                pass

            def _fields(self) -> dict[str, list[str]]:
                fields = parse_qs(urlsplit(self.path).query)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if body and self.headers.get("Content-Type", "").startswith("application/json"):
                    for key, value in json.loads(body).items():
                        fields[key] = value if isinstance(value, list) else [value]
                elif body:
                    for key, value in parse_qs(body).items():
                        fields.setdefault(key, []).extend(value)
                return fields

            def _reply(self, status: int, headers: dict[str, str], body: bytes, kind: str = "application/json") -> None:
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                fields = self._fields()
                if path == "/translate":
                    self._reply(*server.answer(fields["q"][0], fields["target"][0]))
                elif path == "/v2/translate":
                    self._deepl_translate(fields)
                elif path == "/v2/glossaries":
                    glossary_id = f"g{len(server.glossaries) + 1}"
                    entries = dict(line.split("\t") for line in fields["entries"][0].splitlines())
                    info = {
                        "glossary_id": glossary_id,
                        "name": fields["name"][0],
                        "ready": True,
                        "source_lang": fields["source_lang"][0].lower(),
                        "target_lang": fields["target_lang"][0].lower(),
                        "creation_time": "2026-11-25T00:00:00.000000Z",
                        "entry_count": len(entries),
                    }
                    server.glossaries[glossary_id] = {**info, "entries": entries}
                    self._reply(201, {}, json.dumps(info).encode())
                else:
                    self._reply(404, {}, b'{"error": "not found"}')

            def do_GET(self) -> None:
                if urlsplit(self.path).path == "/m":  # Google Translate's mobile page
                    fields = self._fields()
                    status, headers, body = server.answer(fields["q"][0], fields["tl"][0])
                    if status == 200 and body.startswith(b"{"):
                        translated = html.escape(json.loads(body)["translatedText"])
                        body = (f'<html><body><div class="result-container">{translated}</div></body></html>').encode()
                    self._reply(status, headers, body, "text/html; charset=utf-8")
                elif urlsplit(self.path).path == "/get":  # MyMemory
                    fields = self._fields()
                    status, headers, body = server.answer(fields["q"][0], fields["langpair"][0].split("|")[1])
                    if status == 200 and body.startswith(b"{"):
                        translated = json.loads(body)["translatedText"]
                        body = json.dumps(
                            {"responseData": {"translatedText": translated}, "responseStatus": 200, "matches": []}
                        ).encode()
                    self._reply(status, headers, body)
                elif urlsplit(self.path).path == "/v2/glossaries":
                    listed = [{k: v for k, v in g.items() if k != "entries"} for g in server.glossaries.values()]
                    self._reply(200, {}, json.dumps({"glossaries": listed}).encode())
                else:
                    self._reply(404, {}, b'{"error": "not found"}')

            def _deepl_translate(self, fields: dict[str, list[str]]) -> None:
                target = fields["target_lang"][0].split("-")[0].lower()
                results = []
                for text in fields["text"]:
                    status, headers, body = server.answer(text, target)
                    if status != 200:
                        self._reply(status, headers, body)
                        return
                    translated = json.loads(body)["translatedText"]
                    glossary = server.glossaries.get((fields.get("glossary_id") or [""])[0])
                    if glossary:
                        for source, rendering in glossary["entries"].items():
                            translated = translated.replace(source, rendering)
                    results.append(
                        {"detected_source_language": "NL", "text": translated, "billed_characters": len(text)}
                    )
                self._reply(200, {}, json.dumps({"translations": results}).encode())

        return Handler
