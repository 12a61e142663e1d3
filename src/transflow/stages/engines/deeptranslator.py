"""deep-translator's engines (Google, Microsoft, LibreTranslate, MyMemory, ...), each a row of `KINDS`."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from transflow.stages.engines.base import EngineUnavailable, TransientError
from transflow.stages.engines.deep_translator_compat import point_at, use_transport

if TYPE_CHECKING:
    from transflow.stages.settings import EngineSettings


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


KINDS = {
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

# Keys a service works without (Microsoft: the region of a global resource).
_OPTIONAL_KEYS = {"MICROSOFT_REGION"}


class DeepTranslatorEngine:
    """One of deep-translator's engines, talking through `_Transport`."""

    def __init__(self, name: str, settings: EngineSettings, source: str, target: str):
        import deep_translator
        from deep_translator import exceptions

        kind = KINDS[name]
        self.limit = kind.limit
        self._exceptions = exceptions
        client_class = getattr(deep_translator, kind.class_name)
        use_transport(client_class, settings.timeout)
        arguments: dict[str, str] = {}
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
                self._client = client_class(**arguments)
                self._client.source, self._client.target = languages.values()
            else:
                self._client = client_class(**arguments, **languages)
        except (TransientError, EngineUnavailable):
            raise
        except exceptions.LanguageNotSupportedException:
            raise EngineUnavailable(f"{name} does not support {source} -> {target}") from None
        except Exception as exc:  # deep-translator raises bare exceptions from constructors
            raise EngineUnavailable(f"{name} could not be set up ({type(exc).__name__})") from None
        if settings.url and not kind.url_parameter:
            # Another endpoint with the same API (a proxy; a local server in tests).
            point_at(self._client, settings.url)

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
