"""`confide audit verify`: seal what is pending, walk the trail, name the first row tampered
with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from confide.audit.sealing import seal_pending
from confide.audit.service import STALE_AFTER, verify_chain
from confide.config import get_settings
from confide.db import Database


def register(app: typer.Typer, console: Console) -> None:
    audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @audit_app.command("verify")
    def verify(
        anchor: Annotated[
            list[str] | None,
            typer.Option(help="a row hash noted earlier that must still be in the chain"),
        ] = None,
        seal: Annotated[
            bool,
            typer.Option(
                help="chain the pending rows first; --no-seal checks that the app's sealer keeps up"
            ),
        ] = True,
    ) -> None:
        """Check every sealed row's hash and link, and the rows still pending; exit 1 naming the
        first row edited, deleted or added, or the rows pending for too long."""
        database = Database.from_settings(get_settings())
        try:
            sealed = seal_pending(database, wait=True) if seal else 0
            with database.session() as session:
                report = verify_chain(session, datetime.now(UTC), anchors=anchor or ())
        finally:
            database.dispose()
        chain = report.chain
        if sealed:
            console.print(f"Sealed {sealed:,} pending rows first.")
        if chain.broken is not None:
            console.print(
                f"[red]Audit trail broken at seq {chain.broken.seq} "
                f"({chain.broken.problem}): {chain.broken.message}.[/red] "
                f"Rows before it intact: {chain.count:,}."
            )
        else:
            console.print(f"Audit trail intact: {chain.count:,} rows.")
            if chain.head_seq is not None:
                console.print(
                    f"Head: seq {chain.head_seq}, {chain.head_hash} (note it; pass it back with "
                    "--anchor to detect rows cut from the end)"
                )
        if report.pending:
            console.print(f"Pending (not yet sealed): {report.pending:,} rows.")
        if report.stale_ids:
            minutes = int(STALE_AFTER.total_seconds() // 60)
            ids = ", ".join(str(i) for i in report.stale_ids)
            console.print(
                f"[red]Rows pending for more than {minutes} minute(s), ids {ids}: is the app's "
                "audit sealer running?[/red]"
            )
        if not report.sound:
            raise typer.Exit(code=1)
