"""The workspace application and what keeps it safe on a shared machine.

Safe by default, as Jupyter is: it binds 127.0.0.1; every request needs the random token of the
printed URL (kept in a SameSite=Strict, HttpOnly cookie after the first visit); the Host header
must name this server (DNS rebinding); writes are JSON POSTs that must carry the token in a
header and come from this origin (a cross-site form or fetch cannot); every page has a
Content-Security-Policy without inline script or style.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import secrets
import socket
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from transflow.faces.serve.routes import EXCEPTION_HANDLERS, routes
from transflow.faces.serve.workspace import Workspace
from transflow.stages.settings import Config

COOKIE = "transflow_token"
TOKEN_HEADER = "x-transflow-token"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Guard:
    """ASGI middleware: host, token and origin checks before the app; security headers after."""

    def __init__(self, app: ASGIApp, token: str, hosts: set[str]):
        self.app = app
        self.token = token
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # none are served: closed before the app sees them
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        refusal = self.refusal(scope, headers)
        if refusal is not None:
            await _plain(send, *refusal)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if "token" in query and scope["method"] == "GET":
            # The printed URL: remember the token in a cookie and drop it from the address bar.
            rest = {name: values for name, values in query.items() if name != "token"}
            location = scope["path"] + ("?" + urlencode(rest, doseq=True) if rest else "")
            cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
            await _plain(send, 303, "", [(b"location", location.encode()), (b"set-cookie", cookie.encode())])
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, secured)

    def refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if headers.get("host", "").lower() not in self.hosts:
            return 400, "unknown Host header: this server answers only to the address it printed"
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0] or _cookie(headers.get("cookie", ""))
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return 403, "a token is required: open the URL that `transflow serve` printed"
        if scope["method"] not in ("GET", "HEAD"):
            origin = headers.get("origin")
            if origin is not None and origin.lower() != f"http://{headers['host'].lower()}":
                return 403, "cross-site request refused"
            if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
                return 403, "cross-site request refused"
            if not hmac.compare_digest(headers.get(TOKEN_HEADER, "").encode(), self.token.encode()):
                return 403, "a write needs the token header the workspace's own page sends"
            if headers.get("content-type", "").split(";")[0].strip() != "application/json":
                return 415, "writes are JSON"
        return None


def _cookie(header: str) -> str:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(header)
    except Exception:  # a malformed cookie header is simply no token
        return ""
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel else ""


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (text + "\n").encode() if text else b""
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *(extra or []), *_HEADERS]})
    await send({"type": "http.response.body", "body": body})


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host header values that name this server: its address, localhost for loopback, and the
    machine's names and addresses when it listens on all of them (0.0.0.0 or ::)."""
    names = {host}
    if _is_loopback(host):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if host.strip("[]") in ("0.0.0.0", "::"):
        machine = socket.gethostname()
        names |= {"127.0.0.1", "localhost", "[::1]", machine, socket.getfqdn()}
        with contextlib.suppress(OSError):
            for *_rest, address in socket.getaddrinfo(machine, None):
                names.add(f"[{address[0]}]" if ":" in str(address[0]) else str(address[0]))
    return {f"{name}:{port}".lower() for name in names}


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def create_app(config: Config, token: str, hosts: set[str]) -> ASGIApp:
    static = StaticFiles(directory=Path(__file__).parent / "static")
    app = Starlette(
        routes=[*routes(), Mount("/static", static, name="static")],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.workspace = Workspace(config)
    app.state.token = token
    return Guard(app, token, hosts)


def serve(config: Config, host: str = "127.0.0.1", port: int = 8741) -> None:
    """Run until Ctrl-C; the URL to open (with its token) is printed first."""
    import uvicorn

    if not _is_loopback(host):
        print(
            f"warning: serving on {host}: anyone who can reach it and has the URL can change the catalogs",
            file=sys.stderr,
        )
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)  # connections wait in the backlog from now on, so the printed URL works at once
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    shown = f"[{host.strip('[]')}]" if family == socket.AF_INET6 else host
    app = create_app(config, token, allowed_hosts(shown, port))
    print(f"transflow serve: open http://{shown}:{port}/?token={token}", flush=True)
    print("Press Ctrl-C to stop. Every decision is saved in the catalogs at once.", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    server.run(sockets=[sock])
