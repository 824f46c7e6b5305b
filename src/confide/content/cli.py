"""`confide content load` (the texts that come with Confide, as drafts) and
`confide content publish-demo` (the same, published by the demo reviewer account)."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console

from confide.content.loading import DEMO_REVIEWER_NAME, LoadReport, load, publish_demo
from confide.db import session_scope


def _said(report: LoadReport) -> str:
    return (
        f"{report.items_added} items added, {report.versions_added} new draft versions, "
        f"{report.unchanged} unchanged"
    )


def seed_demo_content(console: Console) -> None:
    """For `confide seed`: the texts published by the demo reviewer, so the demo has content."""
    with session_scope(write=True) as session:
        report, published = publish_demo(session, datetime.now(UTC))
    console.print(
        f"Content: {_said(report)}; {published} published, approved by {DEMO_REVIEWER_NAME}."
    )


def register(app: typer.Typer, console: Console) -> None:
    content_app = typer.Typer(help="Clinician-reviewed content.", no_args_is_help=True)
    app.add_typer(content_app, name="content")

    @content_app.command("load")
    def load_command() -> None:
        """Load the texts that come with Confide as draft versions (a text already loaded is
        left as it is); reviewers take them through review at /review/content."""
        with session_scope(write=True) as session:
            report = load(session, datetime.now(UTC))
        console.print(f"Content: {_said(report)}.")

    @content_app.command("publish-demo")
    def publish_demo_command() -> None:
        """Load the texts and publish them, approved by the demo reviewer account (for demos:
        the pages say the approver is a sample account, not a clinician)."""
        seed_demo_content(console)
