"""`confide audit verify`: walk the trail and name the first row tampered with."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from confide.audit.service import verify_chain
from confide.db import session_scope


def register(app: typer.Typer, console: Console) -> None:
    audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @audit_app.command("verify")
    def verify(
        anchor: Annotated[
            list[str] | None,
            typer.Option(help="a row hash noted earlier that must still be in the chain"),
        ] = None,
    ) -> None:
        """Check every row's hash and link; exit 1 naming the first row edited, deleted or added."""
        with session_scope() as session:
            report = verify_chain(session, anchors=anchor or ())
        if report.broken is not None:
            console.print(
                f"[red]Audit trail broken at row {report.broken.row_id} "
                f"({report.broken.problem}): {report.broken.message}.[/red] "
                f"Rows before it intact: {report.count:,}."
            )
            raise typer.Exit(code=1)
        console.print(f"Audit trail intact: {report.count:,} rows.")
        if report.head_id is not None:
            console.print(
                f"Head: row {report.head_id}, {report.head_hash} (note it; pass it back with "
                "--anchor to detect rows cut from the end)"
            )
