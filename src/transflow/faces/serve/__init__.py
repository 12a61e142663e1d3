"""`transflow serve`: the translator's workspace in the browser, on the project's own files.

`app` builds the ASGI application (Starlette) and its security, `routes` answers the pages and
the JSON calls, `workspace` reads catalogs and applies decisions; `templates/` (Jinja2) and
`static/` (the script and style, vendored: nothing is fetched at run time) ship in the package.
"""
