"""The one place that reaches into deep-translator's internals, because its public API cannot do what we need.

deep-translator calls `requests.get/post` with no timeout and turns a 429 into an exception that has lost its
Retry-After header; its clients have no way to pass a session or a timeout. So its engine modules get our
`_Transport` in place of their `requests` module, and a client can be pointed at another endpoint with the same
API (a proxy, or a local server in tests) by setting its base URL. Both rely on deep-translator 1.11's module
layout; if a release changes it, this module is what to adapt.
"""

from __future__ import annotations

import sys
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from transflow.stages.engines.base import EngineUnavailable, TransientError, check_allowed, host

if TYPE_CHECKING:
    import requests


def use_transport(client_class: type, timeout: float) -> None:
    """Route every HTTP call of the module defining `client_class` through our transport."""
    transport = _shared_transport()
    sys.modules[client_class.__module__].requests = transport  # type: ignore[attr-defined]
    transport.timeout = timeout


def point_at(client: object, url: str) -> None:
    """Send a client's requests to `url` instead of the service's own address."""
    client._base_url = url  # type: ignore[attr-defined]


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

    def __getattr__(self, name: str) -> Any:
        import requests

        return getattr(requests, name)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        import requests

        check_allowed(url)
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.Timeout:
            raise TransientError(f"no reply within {self.timeout:g} s", network=True) from None
        except requests.ConnectionError:
            raise TransientError(f"cannot connect to {host(url)}", refused=True) from None
        if response.status_code == 429:
            raise TransientError("rate limited (HTTP 429)", _retry_after(response))
        if response.status_code >= 500:
            raise TransientError(f"server error (HTTP {response.status_code})", _retry_after(response))
        if response.status_code in (401, 403):
            raise EngineUnavailable(f"{host(url)} refused the request (HTTP {response.status_code}): check the API key")
        return response


@lru_cache(maxsize=1)
def _shared_transport() -> _Transport:
    """One transport for every engine module (its state is per thread)."""
    return _Transport()


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
