"""`confide keys`: make a key, and move every encrypted value onto the current key."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from confide.config import get_settings
from confide.crypto.keyring import generate_key
from confide.db import Database
from confide.keys.service import rotate_keys, rows_to_visit
from confide.models import Base


def register(app: typer.Typer, console: Console) -> None:
    keys_app = typer.Typer(help="Field encryption keys.", no_args_is_help=True)
    app.add_typer(keys_app, name="keys")

    @keys_app.command("generate")
    def generate(
        key_id: Annotated[str, typer.Argument(help="a name for the key, e.g. 2026-11")],
    ) -> None:
        """Print a new random key as an entry for CONFIDE_ENCRYPTION_KEYS."""
        console.print(f"{key_id}:{generate_key()}", soft_wrap=True)

    @keys_app.command("rotate")
    def rotate(
        batch_size: Annotated[int, typer.Option(min=1, max=100_000)] = 500,
    ) -> None:
        """Re-encrypt every encrypted value with the current key (safe to run again)."""
        settings = get_settings()
        keyring = settings.field_keyring()
        # one engine for the rotation's many short units of work (session_scope makes one each)
        database = Database.from_settings(settings)
        try:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
            ) as progress:
                task = progress.add_task(
                    f"Re-encrypting with key {keyring.current_id!r}",
                    total=rows_to_visit(database, Base.metadata),
                )
                reports = rotate_keys(
                    database,
                    keyring,
                    Base.metadata,
                    batch_size=batch_size,
                    progress=lambda rows: progress.advance(task, rows),
                )
        finally:
            database.dispose()
        table = Table(title=f"Current key: {keyring.current_id}", title_justify="left")
        for header in ("column", "values", "re-encrypted", "found under"):
            table.add_column(header)
        for report in reports:
            table.add_row(
                f"{report.table}.{report.column}",
                f"{report.values:,}",
                f"{report.reencrypted:,}",
                ", ".join(f"{k} {n:,}" for k, n in sorted(report.found_under.items())) or "-",
            )
        console.print(table)
        moved = sum(r.reencrypted for r in reports)
        total = sum(r.values for r in reports)
        console.print(
            f"{moved:,} of {total:,} values re-encrypted; every value is now under "
            f"{keyring.current_id!r}, so keys other than it can be removed."
        )
