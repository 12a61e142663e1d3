"""The workspace's pages and JSON calls; all text reaches the browser escaped (Jinja2 autoescape,
JSON read by the script and put in place as text)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from transflow import __version__
from transflow.domain import languages
from transflow.domain.catalog import Counts
from transflow.errors import TransflowError
from transflow.faces.serve.workspace import NotFound, Workspace, parse_key, state_name
from transflow.stages.reviewing import Conflict


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("transflow.faces.serve", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _workspace(request: Request) -> Workspace:
    workspace: Workspace = request.app.state.workspace
    return workspace


def _page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    workspace = _workspace(request)
    text = (
        _templates()
        .get_template(name)
        .render(
            project=workspace.config.project,
            version=__version__,
            token=request.app.state.token,
            language_name=languages.name,
            source_language=workspace.config.source_language,
            **values,
        )
    )
    return HTMLResponse(text, status_code=status)


def _data(value: object) -> str:
    """JSON to embed in a non-executable <script type="application/json">: `<` can end nothing."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


async def index(request: Request) -> Response:
    workspace = _workspace(request)
    overview = []
    for lang in workspace.config.languages:
        rows = workspace.progress(lang)
        overview.append((lang, rows, sum((row["counts"] for row in rows), Counts())))
    return _page(request, "index.html", overview=overview)


async def article(request: Request) -> Response:
    workspace = _workspace(request)
    lang, slug = request.path_params["lang"], request.path_params["slug"]
    view = workspace.article(lang, slug)
    data = {"lang": lang, "slug": slug, "version": view["version"], "entries": view["entries"]}
    return _page(request, "article.html", view=view, data=_data(data), checks=_check_names(view["entries"]))


def _check_names(entries: list[dict[str, Any]]) -> list[str]:
    return sorted({name for entry in entries for name in entry["checks"]})


async def entry(request: Request) -> Response:
    workspace = _workspace(request)
    lang, slug = request.path_params["lang"], request.path_params["slug"]
    return JSONResponse(workspace.detail(lang, slug, parse_key(request.query_params.get("key", ""))))


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise NotFound("the request body is not JSON") from None
    if not isinstance(body, dict) or not all(isinstance(body.get(k, ""), str) for k in ("key", "text", "note")):
        raise NotFound("malformed request")
    return body


async def check(request: Request) -> Response:
    workspace = _workspace(request)
    body = await _body(request)
    lang, slug = request.path_params["lang"], request.path_params["slug"]
    return JSONResponse(
        {"findings": workspace.check_text(lang, slug, parse_key(body.get("key", "")), body.get("text", ""))}
    )


async def decide(request: Request) -> Response:
    workspace = _workspace(request)
    body = await _body(request)
    lang, slug = request.path_params["lang"], request.path_params["slug"]
    key = parse_key(body.get("key", ""))
    try:
        return JSONResponse(
            workspace.decide(
                lang,
                slug,
                key,
                str(body.get("action", "")),
                body.get("text", ""),
                body.get("note", ""),
                str(body.get("version", "")),
            )
        )
    except Conflict as conflict:
        theirs = conflict.theirs
        return JSONResponse(
            {
                "conflict": conflict.message,
                "mine": body.get("text", ""),
                "theirs": theirs.msgstr if theirs is not None else None,
                "theirs_state": state_name(theirs) if theirs is not None else None,
            },
            status_code=409,
        )


async def not_found(request: Request, exc: Exception) -> Response:
    return _error(request, 404, str(exc))


async def bad_input(request: Request, exc: Exception) -> Response:
    return _error(request, 422, str(exc))


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return _page(request, "error.html", status, message=message)


def routes() -> list[Route]:
    return [
        Route("/", index),
        Route("/a/{lang}/{slug}", article),
        Route("/api/entry/{lang}/{slug}", entry),
        Route("/api/check/{lang}/{slug}", check, methods=["POST"]),
        Route("/api/decide/{lang}/{slug}", decide, methods=["POST"]),
    ]


EXCEPTION_HANDLERS = {NotFound: not_found, TransflowError: bad_input}
