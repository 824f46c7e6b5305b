"""One Jinja2 environment (autoescaped) shared by every capability's pages."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

PACKAGE = Path(__file__).resolve().parent.parent


def _template_dirs() -> list[Path]:
    # web/templates holds base.html; each capability keeps its own templates/<capability>/
    dirs = [PACKAGE / "web" / "templates"]
    dirs.extend(sorted(p for p in PACKAGE.glob("*/templates") if p.parent.name != "web"))
    return dirs


environment = Environment(
    loader=ChoiceLoader([FileSystemLoader(str(d)) for d in _template_dirs()]),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
templates = Jinja2Templates(env=environment)
