"""`confide match`: the shortlist for an intake given as options, printed as a table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from confide.config import get_settings
from confide.db import session_scope
from confide.matching.schemas import MatchIntake, MatchResponse
from confide.matching.service import database_cards, find_matches, index_from_database
from confide.vocab.catalogue import refresh_vocabulary
from confide.vocab.fields import error_field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s+(\d\d:\d\d)-(\d\d:\d\d)$", re.I)


def parse_window(text: str) -> dict[str, Any]:
    found = _WINDOW.match(text.strip())
    if not found:
        raise typer.BadParameter(f"{text!r}: write a window like 'tue 18:00-21:00'")
    return {"weekday": WEEKDAYS.index(found[1].lower()), "start": found[2], "end": found[3]}


def print_matches(console: Console, response: MatchResponse, zone: str) -> None:
    for notice in response.notices:
        console.print(f"[bold yellow]{notice.message}[/bold yellow]")
    table = Table(
        title=f"{len(response.results)} of {response.total_eligible} eligible therapists",
        title_justify="left",
        show_lines=True,
    )
    for header in ("#", "therapist", "first opening", "self-pay", "score", "reasons"):
        table.add_column(header)
    for number, result in enumerate(response.results, 1):
        t = result.therapist
        local = result.first_opening.astimezone(ZoneInfo(zone))
        table.add_row(
            str(number),
            f"{t.name}, {t.credential}\n#{t.id} {t.office_city or ''}",
            f"{local:%a %d %b %H:%M}",
            f"${result.rate.self_pay_rate:,.0f}",
            f"{result.score:.3f}",
            "\n".join(result.reasons),
        )
    console.print(table)
    console.print("Excluded: " + ", ".join(f"{k} {v:,}" for k, v in response.excluded.items()))
    for option in response.relax:
        console.print(f"Try: {option.suggestion} ({option.would_match} would match)")


def register(app: typer.Typer) -> None:
    @app.command()
    def match(
        state: Annotated[str, typer.Option(help="where you are during sessions, e.g. CA")],
        format: Annotated[str, typer.Option(help="individual or couples")] = "individual",
        partner_state: Annotated[str | None, typer.Option(help="couples: partner's state")] = None,
        concern: Annotated[list[str] | None, typer.Option(help="concern code; repeat")] = None,
        concern_text: Annotated[str | None, typer.Option(help="in your own words")] = None,
        self_pay: Annotated[float | None, typer.Option(help="most per session, US $")] = None,
        payer: Annotated[str | None, typer.Option(help="insurance payer code")] = None,
        plan: Annotated[str | None, typer.Option(help="insurance plan code")] = None,
        setting: Annotated[str, typer.Option(help="telehealth, in_person or either")] = (
            "telehealth"
        ),
        postal_code: Annotated[str | None, typer.Option(help="for in-person")] = None,
        max_km: Annotated[float | None, typer.Option(help="farthest you would travel")] = None,
        language: Annotated[list[str] | None, typer.Option(help="language code; repeat")] = None,
        available: Annotated[
            list[str] | None, typer.Option(help="a free time like 'tue 18:00-21:00'; repeat")
        ] = None,
        tz: Annotated[str | None, typer.Option(help="IANA time zone of --available")] = None,
        limit: Annotated[int, typer.Option(min=1, max=50)] = 10,
    ) -> None:
        """Find therapists who can see you soon, with reasons and first openings."""
        console = Console()
        with session_scope() as session:
            refresh_vocabulary(session)  # the plans in force, as the database holds them
        intake = _intake(
            console,
            {
                "state": state,
                "format": format,
                "partner_state": partner_state,
                "concerns": concern or [],
                "concern_text": concern_text,
                "payment": _payment(self_pay, payer, plan),
                "setting": setting,
                "postal_code": postal_code,
                "max_distance_km": max_km,
                "preferences": {"languages": language or []},
                "availability": [parse_window(w) for w in available or []],
                "timezone": tz,
                "limit": limit,
            },
        )
        horizon_days = get_settings().match_horizon_days
        now = datetime.now(UTC)
        with session_scope() as session:
            index = index_from_database(session, now, horizon_days)
            response = find_matches(
                index, intake, now, cards=database_cards(session), horizon_days=horizon_days
            )
        print_matches(console, response, intake.zone)


def _payment(self_pay: float | None, payer: str | None, plan: str | None) -> dict[str, Any]:
    if (payer is None) != (plan is None) or (payer is not None and self_pay is not None):
        raise typer.BadParameter("give either --self-pay, or --payer with --plan")
    if payer:
        return {"method": "insurance", "payer": payer, "plan": plan}
    return {"method": "self_pay", "max_rate": self_pay or 200}


def _intake(console: Console, data: dict[str, Any]) -> MatchIntake:
    """The intake, or each problem with its field and allowed values, and exit code 2."""
    try:
        return MatchIntake.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            allowed = (item.get("ctx") or {}).get("allowed")
            console.print(
                f"[red]{error_field(item['loc'], item.get('ctx'))}: {item['msg']}[/red]"
                + (f"\nallowed: {', '.join(map(str, allowed))}" if allowed else "")
            )
        raise typer.Exit(code=2) from None
