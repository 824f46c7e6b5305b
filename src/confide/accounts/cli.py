"""`confide admin create EMAIL`: the first administrator (and any later one made by hand)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from confide.accounts.users import create_admin
from confide.db import session_scope
from confide.errors import DomainError, InvalidInput


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def register(app: typer.Typer, console: Console) -> None:
    admin_app = typer.Typer(help="Administrators.", no_args_is_help=True)
    app.add_typer(admin_app, name="admin")

    @admin_app.command("create")
    def create(
        email: Annotated[str, typer.Argument(help="the administrator's email address")],
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="read the password from standard input")
        ] = False,
    ) -> None:
        """Make a verified administrator who signs in with EMAIL and the password given."""
        if "@" not in email or len(email) > 254:
            console.print(f"[red]{email!r} is not an email address.[/red]")
            raise typer.Exit(code=1)
        password = _password(password_stdin)
        try:
            with session_scope(write=True) as session:
                user = create_admin(session, email, password, datetime.now(UTC))
                user_id = user.id
        except DomainError as error:
            where = f"{error.field}: " if isinstance(error, InvalidInput) else ""
            console.print(f"[red]{where}{error.message}[/red]")
            raise typer.Exit(code=1) from None
        console.print(f"Administrator {email} created (user {user_id}); they can sign in now.")
