"""The interactive API documentation (Swagger UI), served from the installed swagger-ui-bundle-v2
package so it works without the internet and under our Content-Security-Policy (no inline
script: the page starts Swagger UI from static/docs.js)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from confide.web.templating import templates

ASSETS = "/docs/assets"


def install_docs(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger_ui")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        """Swagger UI over this app's OpenAPI schema."""
        return templates.TemplateResponse(
            request, "docs.html", {"openapi_url": app.openapi_url, "title": app.title}
        )
