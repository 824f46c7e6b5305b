"""`confide flags escalate` and `confide network health`."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from confide.admin.health import NetworkHealth, network_health
from confide.config import get_settings
from confide.db import session_scope
from confide.screening.flags import escalate_due


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def print_health(console: Console, h: NetworkHealth) -> None:
    """The network health figures, as the admin page shows them."""
    console.print(f"Network health at {h.computed_at:%Y-%m-%d %H:%M} UTC")
    console.print(
        f"Ghost rate: {len(h.ghosts)} of {h.listed} listed therapists have no bookable first "
        f"session in the next {h.horizon_days} days ({100 * h.ghost_rate:.2f}%; goal 0)"
    )
    if h.ghosts:
        shown = ", ".join(str(t) for t in h.ghosts[:20])
        console.print(f"  therapists: {shown}{' ...' if len(h.ghosts) > 20 else ''}")
    console.print(
        f"Match answers in the last 30 days: {h.answers} ({h.offered} offered an opening)"
    )
    console.print(
        f"  offered a first session within 48 hours: {h.within_48_hours} ({_pct(h.share_48_hours)})"
    )
    console.print(
        f"  within 10 business days: {h.within_10_business_days} ({_pct(h.share_10_business_days)})"
    )
    console.print(f"New-client places left this week: {h.places_left}")
    table = Table(title="Taking new clients, by state")
    for column in ("state", "licensed there", "taking new clients", "share"):
        table.add_column(column, justify="left" if column == "state" else "right")
    for s in h.states:
        table.add_row(s.state, str(s.listed), str(s.accepting), _pct(s.share))
    console.print(table)


def register(app: typer.Typer, network_app: typer.Typer, console: Console) -> None:
    flags_app = typer.Typer(help="Safety flags.", no_args_is_help=True)
    app.add_typer(flags_app, name="flags")

    @flags_app.command("escalate")
    def escalate() -> None:
        """Escalate to reviewers and admins every flag not acknowledged within
        CONFIDE_FLAG_ESCALATE_HOURS (run it every few minutes, or let the worker)."""
        with session_scope(write=True) as session:
            escalated = escalate_due(session, datetime.now(UTC))
        console.print(
            f"Escalated {len(escalated)} safety flag{'s' if len(escalated) != 1 else ''}."
        )

    @network_app.command("health")
    def health() -> None:
        """Ghost rate, how soon matches offered a first session, accepting share by state,
        new-client places left this week (the admin page's figures)."""
        horizon = get_settings().match_horizon_days
        with session_scope() as session:
            found = network_health(session, datetime.now(UTC), horizon)
        print_health(console, found)
