"""DeepL through its official client, with the project glossary as a DeepL glossary."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from transflow.stages.engines.base import EngineUnavailable, TransientError, check_allowed

if TYPE_CHECKING:
    from transflow.domain.glossary import Glossary
    from transflow.stages.settings import EngineSettings


class DeeplEngine:
    """DeepL through its official client (deep-translator's sends the key the retired way).

    The glossary of the language pair is created on DeepL from glossary.yml once (named after its
    content, so an unchanged glossary is reused) and applied to every request.
    """

    limit = 30000
    _glossaries: ClassVar[dict[tuple[str, str], str]] = {}
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
        self._url = url
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
        key = (self._url, name)
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
        return str(result.text)

    def _call(self, request: Callable[[], Any]) -> Any:
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
