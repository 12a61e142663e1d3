"""Machine-translation engines behind one small interface, made safe to call many times.

An `Engine` translates one text from the source to one target language and has a length limit.
Engines are not thread-safe (deep-translator keeps the text in the instance), so callers make one
per thread with the factory `open_engine` returns. `translate_text` adds what deep-translator
lacks: a timeout on every request, retries with exponential backoff and jitter on 429 (honouring
Retry-After), 5xx, timeouts and malformed replies, a shared rate limit, and texts longer than the
engine's limit split on sentence boundaries and joined back.

API keys are read from environment variables only, when an engine is made, and never written
anywhere: errors about a key name the variable, never the value.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar, Protocol
from urllib.parse import urlsplit

from transflow.domain.glossary import Glossary
from transflow.domain.protect import PLACEHOLDER_FOUND
from transflow.errors import TransflowError
from transflow.stages.settings import Section

if TYPE_CHECKING:
    import requests

OFFLINE_VARIABLE = "TRANSFLOW_OFFLINE"


class EngineUnavailable(Exception):
    """The engine cannot be used at all (no network, bad key, unsupported language): stop asking."""


class TransientError(Exception):
    """This request failed but the next may work: rate limited, server error, timeout, bad reply."""

    def __init__(self, message: str, retry_after: float | None = None, network: bool = False, refused: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.network = network or refused
        self.refused = refused
        # What the failed text cost before it gave up (the service bills attempts too).
        self.requests = 0
        self.characters = 0


class Engine(Protocol):
    limit: int

    def translate(self, text: str) -> str: ...


@dataclass(frozen=True)
class EngineSettings:
    """The `mt:` section of transflow.yml, after command-line overrides."""

    name: str = "google"
    url: str | None = None
    concurrency: int = 4
    rate_limit: float = 0.0
    timeout: float = 20.0
    retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    save_interval: float = 5.0

    @property
    def identity(self) -> str:
        """Names the engine in cache keys and translator comments (a URL, never a key)."""
        return f"{self.name} {self.url}" if self.url else self.name


_NUMBERS = {
    "concurrency": (int, 1, 64),
    "rate_limit": (float, 0, 1000),
    "timeout": (float, 0.1, 600),
    "retries": (int, 0, 20),
    "backoff": (float, 0, 60),
    "max_backoff": (float, 0, 3600),
    "save_interval": (float, 0.1, 3600),
}


def settings_from_config(section: Section, engine: str | None = None, url: str | None = None) -> EngineSettings:
    """Validate `mt:` (each bad value reported at its line) and apply --engine / --engine-url."""
    section.check_keys({"engine", "url", *_NUMBERS})
    values: dict = {}
    name = section.get("engine", "google")
    if not isinstance(name, str) or name not in ENGINES:
        raise section.error("engine", f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
    values["name"] = name
    if section.get("url") is not None:
        if not isinstance(section.get("url"), str) or not _is_url(section.get("url")):
            raise section.error("url", "must be an http(s) URL, e.g. http://localhost:5000/")
        values["url"] = section.get("url")
    for key, (kind, low, high) in _NUMBERS.items():
        value = section.get(key)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (kind is int and not isinstance(value, int))
            or not low <= value <= high
        ):
            raise section.error(key, f"must be a{'n integer' if kind is int else ' number'} from {low} to {high}")
        values[key] = kind(value)
    if engine is not None:
        if engine not in ENGINES:
            raise TransflowError(f"--engine: unknown engine {engine!r} (known: {', '.join(ENGINES)})")
        values["name"] = engine
        if engine != name and url is None:
            values.pop("url", None)
    if url is not None:
        if not _is_url(url):
            raise TransflowError(f"--engine-url: not an http(s) URL: {url!r}")
        values["url"] = url
    return EngineSettings(**values)


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# ----------------------------------------------------------------------------------------------
# HTTP for deep-translator: timeouts, one session per thread, errors we can act on
# ----------------------------------------------------------------------------------------------


class _Transport(threading.local):
    """Stands in for the `requests` module inside deep-translator's engine modules.

    deep-translator calls `requests.get/post` with no timeout and turns a 429 into an exception
    that has lost its Retry-After header. This transport gives every call the configured timeout
    and a keep-alive session of its thread, and raises TransientError / EngineUnavailable itself
    before deep-translator looks at a failed reply.
    """

    timeout: float = 20.0

    def __init__(self) -> None:
        import requests  # here, not at the top: `run` without MT need not load it

        self.session = requests.Session()

    def __getattr__(self, name: str):
        import requests

        return getattr(requests, name)

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> requests.Response:
        return self.request("POST", url, **kwargs)

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        import requests

        check_allowed(url)
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.Timeout:
            raise TransientError(f"no reply within {self.timeout:g} s", network=True) from None
        except requests.ConnectionError:
            raise TransientError(f"cannot connect to {_host(url)}", refused=True) from None
        if response.status_code == 429:
            raise TransientError("rate limited (HTTP 429)", _retry_after(response))
        if response.status_code >= 500:
            raise TransientError(f"server error (HTTP {response.status_code})", _retry_after(response))
        if response.status_code in (401, 403):
            raise EngineUnavailable(
                f"{_host(url)} refused the request (HTTP {response.status_code}): check the API key"
            )
        return response


@lru_cache(maxsize=1)
def _shared_transport() -> _Transport:
    """One transport for every engine module (its state is per thread)."""
    return _Transport()


def check_allowed(url: str) -> None:
    """With TRANSFLOW_OFFLINE set, only engines on this machine may be called."""
    if os.environ.get(OFFLINE_VARIABLE) and _host(url) not in ("127.0.0.1", "localhost", "::1"):
        raise EngineUnavailable(f"{_host(url)} not contacted: {OFFLINE_VARIABLE} is set")


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------
# Engines
# ----------------------------------------------------------------------------------------------


def _region_code(lang: str) -> str:
    regions = {
        "en": "en-GB",
        "pt": "pt-PT",
        "zh": "zh-CN",
        "ja": "ja-JP",
        "ko": "ko-KR",
        "sv": "sv-SE",
        "da": "da-DK",
        "el": "el-GR",
        "cs": "cs-CZ",
        "uk": "uk-UA",
    }
    if "_" in lang:
        return lang.replace("_", "-")
    return regions.get(lang, f"{lang}-{lang.upper()}")


def _google_code(lang: str) -> str:
    return {"zh_CN": "zh-CN", "zh_TW": "zh-TW", "he": "iw"}.get(lang, lang.split("_")[0])


@dataclass(frozen=True)
class _Kind:
    """How to make one of deep-translator's engines."""

    class_name: str
    limit: int
    keys: tuple[tuple[str, str], ...] = ()
    code: Callable[[str], str] = _google_code
    url_parameter: str | None = None
    set_languages_after: bool = False


_DEEP_TRANSLATOR = {
    "google": _Kind("GoogleTranslator", 4999),
    "mymemory": _Kind("MyMemoryTranslator", 499, code=_region_code),
    "libre": _Kind(
        "LibreTranslator", 5000, (("api_key", "LIBRE_API_KEY"),), url_parameter="custom_url", set_languages_after=True
    ),
    "microsoft": _Kind(
        "MicrosoftTranslator", 10000, (("api_key", "MICROSOFT_API_KEY"), ("region", "MICROSOFT_REGION"))
    ),
    "yandex": _Kind("YandexTranslator", 10000, (("api_key", "YANDEX_API_KEY"),)),
    "qcri": _Kind("QcriTranslator", 5000, (("api_key", "QCRI_API_KEY"),)),
    "papago": _Kind("PapagoTranslator", 5000, (("client_id", "PAPAGO_CLIENT_ID"), ("secret_key", "PAPAGO_SECRET_KEY"))),
    "baidu": _Kind("BaiduTranslator", 5000, (("appid", "BAIDU_APPID"), ("appkey", "BAIDU_APPKEY"))),
    "chatgpt": _Kind("ChatGptTranslator", 10000, (("api_key", "OPENAI_API_KEY"),)),
}
ENGINES = (
    "google",
    "deepl",
    "microsoft",
    "libre",
    "mymemory",
    "yandex",
    "qcri",
    "papago",
    "baidu",
    "chatgpt",
    "pseudo",
)
_OPTIONAL_KEYS = {"MICROSOFT_REGION"}


class DeepTranslatorEngine:
    """One of deep-translator's engines, talking through `_Transport`."""

    def __init__(self, name: str, settings: EngineSettings, source: str, target: str):
        import deep_translator
        from deep_translator import exceptions

        kind = _DEEP_TRANSLATOR[name]
        self.limit = kind.limit
        self._exceptions = exceptions
        module = getattr(deep_translator, kind.class_name).__module__
        # deep-translator imports `requests` per engine module; ours adds timeouts and sessions.
        transport = _shared_transport()
        sys.modules[module].requests = transport
        transport.timeout = settings.timeout
        arguments: dict = {}
        for parameter, variable in kind.keys:
            value = os.environ.get(variable)
            if value:
                arguments[parameter] = value
            elif variable == "LIBRE_API_KEY":
                arguments[parameter] = "-"  # deep-translator insists on one; servers ignore it
            elif variable not in _OPTIONAL_KEYS:
                raise EngineUnavailable(f"{name} needs an API key in ${variable}")
        if kind.url_parameter:
            if not settings.url:
                raise EngineUnavailable(f"{name} needs a server URL (mt.url or --engine-url)")
            arguments[kind.url_parameter] = settings.url.rstrip("/") + "/"
        languages = {"source": kind.code(source), "target": kind.code(target)}
        try:
            if kind.set_languages_after:
                self._client = getattr(deep_translator, kind.class_name)(**arguments)
                self._client.source, self._client.target = languages.values()
            else:
                self._client = getattr(deep_translator, kind.class_name)(**arguments, **languages)
        except (TransientError, EngineUnavailable):
            raise
        except exceptions.LanguageNotSupportedException:
            raise EngineUnavailable(f"{name} does not support {source} -> {target}") from None
        except Exception as exc:  # deep-translator raises bare exceptions from constructors
            raise EngineUnavailable(f"{name} could not be set up ({type(exc).__name__})") from None
        if settings.url and not kind.url_parameter:
            # Another endpoint with the same API (a proxy; a local server in tests).
            self._client._base_url = settings.url

    def translate(self, text: str) -> str:
        errors = self._exceptions
        try:
            result = self._client.translate(text)
        except (TransientError, EngineUnavailable):
            raise
        except (errors.AuthorizationException, errors.ApiKeyException):
            raise EngineUnavailable("the engine refused the API key") from None
        except (errors.NotValidLength, errors.NotValidPayload) as exc:
            raise TransientError(f"text refused ({type(exc).__name__})") from None
        except ValueError:
            raise TransientError("malformed reply (not JSON)") from None
        except Exception as exc:  # ServerException, RequestError, TooManyRequests, KeyError...
            raise TransientError(f"bad reply ({type(exc).__name__})") from None
        if not isinstance(result, str) or (text.strip() and not result.strip()):
            raise TransientError("empty translation")
        if _SERVICE_MESSAGE.match(result):
            # MyMemory answers quota and input errors as if they were translations.
            raise EngineUnavailable(f"the engine answered with a message, not a translation: {result[:70]!r}")
        return result


_SERVICE_MESSAGE = re.compile(
    r"MYMEMORY WARNING|QUERY LENGTH LIMIT EXCE|INVALID LANGUAGE PAIR|INVALID EMAIL|"
    r"NO QUERY SPECIFIED|PLEASE SELECT TWO DISTINCT LANGUAGES|'AUTO' IS AN INVALID"
)


class DeeplEngine:
    """DeepL through its official client (deep-translator's sends the key the retired way).

    The glossary of the language pair is created on DeepL from glossary.yml once (named after its
    content, so an unchanged glossary is reused) and applied to every request.
    """

    limit = 30000
    _glossaries: ClassVar[dict[tuple, str]] = {}
    _lock = threading.Lock()

    def __init__(self, settings: EngineSettings, source: str, target: str, glossary: Glossary):
        try:
            import deepl
        except ImportError:
            raise EngineUnavailable("deepl needs the `deepl` package: pip install 'transflow[deepl]'") from None
        key = os.environ.get("DEEPL_API_KEY")
        if not key:
            raise EngineUnavailable("deepl needs an API key in $DEEPL_API_KEY")
        self._deepl = deepl
        url = settings.url or ("https://api-free.deepl.com" if key.endswith(":fx") else "https://api.deepl.com")
        check_allowed(url)
        deepl.http_client.max_network_retries = 0  # our own retry policy applies
        deepl.http_client.min_connection_timeout = settings.timeout
        self._client = deepl.Translator(key, server_url=settings.url, send_platform_info=False)
        self.source = source.split("_")[0].upper()
        self.target = {"en": "EN-GB", "pt": "PT-PT", "pt_BR": "PT-BR"}.get(target, target.replace("_", "-").upper())
        self._glossary = self._call(lambda: self._glossary_for(glossary, target))

    def _glossary_for(self, glossary: Glossary, lang: str) -> str | None:
        entries = glossary_entries(glossary, lang)
        if not entries:
            return None
        target = self.target.split("-")[0]
        name = f"transflow {self.source}-{target} {_digest(entries)}"
        key = (self._client._server_url, name)
        with self._lock:
            if key not in self._glossaries:
                existing = [item for item in self._client.list_glossaries() if item.name == name]
                made = existing[0] if existing else self._client.create_glossary(name, self.source, target, entries)
                self._glossaries[key] = made.glossary_id
            return self._glossaries[key]

    def translate(self, text: str) -> str:
        result = self._call(
            lambda: self._client.translate_text(
                text,
                source_lang=self.source,
                target_lang=self.target,
                glossary=self._glossary,
                preserve_formatting=True,
            )
        )
        if text.strip() and not result.text.strip():
            raise TransientError("empty translation")
        return result.text

    def _call(self, request: Callable):
        errors = self._deepl.exceptions
        try:
            return request()
        except (errors.AuthorizationException, errors.QuotaExceededException) as exc:
            raise EngineUnavailable(f"DeepL refused the request ({type(exc).__name__})") from None
        except errors.TooManyRequestsException:
            raise TransientError("rate limited (HTTP 429)") from None
        except errors.ConnectionException:
            raise TransientError("cannot connect to DeepL", refused=True) from None
        except errors.DeepLException as exc:
            raise TransientError(f"DeepL error ({type(exc).__name__})") from None


def glossary_entries(glossary: Glossary, lang: str) -> dict[str, str]:
    """Source form -> required rendering, for DeepL's glossary of one language pair."""
    entries: dict[str, str] = {}
    for term in glossary.terms:
        expected = glossary.expected(term, lang)
        if expected:
            for form in (term.source, *term.variants):
                if "\t" not in form and "\n" not in form:
                    entries.setdefault(form, expected)
    return entries


def _digest(entries: dict[str, str]) -> str:
    return hashlib.sha256(repr(sorted(entries.items())).encode()).hexdigest()[:12]


class PseudoEngine:
    """Offline pseudo-localization: accented, 30 % longer, bracketed, deterministic.

    It exercises the whole pipeline without a network and shows where text was not sent through
    translation; its output is marked ``⟦…⟧`` and is never mistaken for a translation.
    """

    limit = 1_000_000
    _ACCENTS = str.maketrans("aceinosuyACEINOSUY", "àçéîñôšûýÀÇÉÎÑÔŠÛÝ")

    def __init__(self, target: str):
        self.target = target

    def translate(self, text: str) -> str:
        kept = [match.group() for match in PLACEHOLDER_FOUND.finditer(text)]
        words = PLACEHOLDER_FOUND.split(text)[::2]
        pieces = [words[0].translate(self._ACCENTS)]
        for placeholder, word in zip(kept, words[1:], strict=True):
            pieces += [placeholder, word.translate(self._ACCENTS)]
        letters = sum(1 for char in text if char.isalpha())
        pad = " " + "~" * max(1, letters * 3 // 10) if letters else ""
        return f"⟦{''.join(pieces)}{pad}⟧"


def open_engine(settings: EngineSettings, source: str, target: str, glossary: Glossary) -> Callable[[], Engine]:
    """A factory of engines for one language pair: call it once per thread."""

    def make() -> Engine:
        if settings.name == "pseudo":
            return PseudoEngine(target)
        if settings.name == "deepl":
            return DeeplEngine(settings, source, target, glossary)
        return DeepTranslatorEngine(settings.name, settings, source, target)

    return make


# ----------------------------------------------------------------------------------------------
# Calling an engine: limit, retries, splitting
# ----------------------------------------------------------------------------------------------


class RateLimiter:
    """At most `per_second` requests per second over all threads (0: no limit)."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


@dataclass
class Sent:
    """What one text cost: requests and characters sent (the unit MT services bill by)."""

    translation: str
    requests: int
    characters: int


def translate_text(engine: Engine, text: str, settings: EngineSettings, limiter: RateLimiter) -> Sent:
    """Translate a text, in sentence-bounded pieces when it is longer than the engine's limit."""
    sent = Sent("", 0, 0)
    pieces = []
    for chunk in split_text(text, engine.limit):
        core = chunk.strip()
        if not core:
            pieces.append(chunk)
            continue
        lead = chunk[: len(chunk) - len(chunk.lstrip())]
        trail = chunk[len(chunk.rstrip()) :]
        try:
            pieces.append(lead + _with_retries(engine, core, settings, limiter, sent) + trail)
        except TransientError as exc:
            exc.requests, exc.characters = sent.requests, sent.characters
            raise
    sent.translation = "".join(pieces)
    return sent


def _with_retries(engine: Engine, text: str, settings: EngineSettings, limiter: RateLimiter, sent: Sent) -> str:
    # A refused connection is retried once only: offline, every extra attempt is just waiting.
    attempts = settings.retries + 1
    for attempt in range(attempts):
        limiter.wait()
        sent.requests += 1
        sent.characters += len(text)
        try:
            return engine.translate(text)
        except TransientError as exc:
            last = attempt == attempts - 1 or (exc.refused and attempt >= 1)
            if last:
                raise
            delay = exc.retry_after
            if delay is None:
                delay = min(settings.max_backoff, settings.backoff * 2**attempt)
                delay *= random.uniform(0.5, 1.5)
            time.sleep(min(delay, settings.max_backoff * 10))
    raise AssertionError("unreachable")


_SENTENCE_END = re.compile(r"(?<=[.!?…:;])[\"'”’)\]]*\s+")


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters that join back to `text`, cut after sentences
    (or, for a longer sentence, between words)."""
    if len(text) <= limit:
        return [text]
    units: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        units.append(text[start : match.end()])
        start = match.end()
    units.append(text[start:])
    pieces: list[str] = []
    current = ""
    for unit in _fit(units, limit):
        if current and len(current) + len(unit) > limit:
            pieces.append(current)
            current = ""
        current += unit
    if current:
        pieces.append(current)
    return pieces


def _fit(units: list[str], limit: int) -> list[str]:
    fitted = []
    for unit in units:
        while len(unit) > limit:
            cut = unit.rfind(" ", 0, limit) + 1 or limit
            fitted.append(unit[:cut])
            unit = unit[cut:]
        fitted.append(unit)
    return [unit for unit in fitted if unit]
