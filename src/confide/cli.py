"""The `confide` command: serve, db upgrade, seed, network stats."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from confide import migrate
from confide.accounts.cli import register as register_admin
from confide.admin.cli import register as register_flags_and_health
from confide.audit.cli import register as register_audit
from confide.config import get_settings
from confide.content.cli import register as register_content
from confide.content.cli import seed_demo_content
from confide.crypto import install_keyring
from confide.db import Database, create_db_engine, session_scope
from confide.errors import DomainError
from confide.interop import service as interop
from confide.job_handlers import job_handlers
from confide.keys.cli import register as register_keys
from confide.matching.cli import register as register_match
from confide.network.generator import generate_network
from confide.network.seeding import NetworkNotEmpty, therapist_count, write_network
from confide.network.stats import NetworkStats, network_stats
from confide.network.supply_rules import set_licence_max_age
from confide.notifications.worker import Worker
from confide.screening import danger_learned
from confide.screening.flags import escalate_due
from confide.vocab import get_vocabulary
from confide.vocab.registry import file_vocabulary
from confide.vocab.service import sync_reference_data

app = typer.Typer(help="Confide: therapist matching and booking.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
network_app = typer.Typer(help="The therapist network.", no_args_is_help=True)
app.add_typer(db_app, name="db")
therapist_app = typer.Typer(help="One therapist's time.", no_args_is_help=True)
app.add_typer(network_app, name="network")
app.add_typer(therapist_app, name="therapist")
text_app = typer.Typer(help="The free-text readers.", no_args_is_help=True)
app.add_typer(text_app, name="text")
console = Console()


@app.callback()
def main() -> None:
    """Confide: therapist matching and booking."""
    # every command may read or write encrypted columns; settings are read here, not at import
    install_keyring(get_settings().field_keyring())
    set_licence_max_age(get_settings().licence_max_age_days)


register_audit(app, console)
register_flags_and_health(app, network_app, console)
register_admin(app, console)
register_keys(app, console)
register_content(app, console)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="default: CONFIDE_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="default: CONFIDE_PORT")] = None,
    workers: Annotated[int | None, typer.Option(help="default: CONFIDE_WORKERS")] = None,
    job_worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="run `confide worker` beside the server")
    ] = True,
) -> None:
    """Serve the web app and API; ready (GET /readyz) once the indexes are built. The job
    worker (notifications) runs beside it as a child process and stops with it."""
    import uvicorn

    from confide.web.access_log import serving_log_config

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    child = _start_worker() if job_worker else None
    console.print(f"Confide on http://{host}:{port}  (API docs at /docs)")
    try:
        uvicorn.run(
            "confide.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers or settings.workers,
            log_level="info",
            # on SIGTERM: stop accepting, let requests at work finish this long, then exit
            timeout_graceful_shutdown=settings.shutdown_seconds,
            log_config=serving_log_config(),
        )
    finally:
        if child is not None:
            _stop_worker(child, settings.job_lease_seconds)


def _start_worker() -> subprocess.Popen[bytes]:
    # Ctrl-C reaches the child too (same process group); a server stopped by SIGTERM stops it
    # in `serve`'s finally; a server killed outright takes it along (Linux: PR_SET_PDEATHSIG)
    return subprocess.Popen(
        [sys.executable, "-m", "confide.cli", "worker"], preexec_fn=_die_with_parent
    )


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _stop_worker(child: subprocess.Popen[bytes], grace_seconds: float) -> None:
    """SIGTERM: the worker finishes the job at work (bounded by its lease), then exits."""
    if child.poll() is None:
        child.terminate()
    try:
        child.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


@app.command()
def worker(
    poll_seconds: Annotated[
        float | None, typer.Option(help="default: CONFIDE_WORKER_POLL_SECONDS", min=0.05)
    ] = None,
) -> None:
    """Run the job queue: send notifications as they fall due, retry the failed ones, until
    SIGTERM or Ctrl-C (the job at work is finished first)."""
    settings = get_settings()
    if poll_seconds is not None:
        settings = settings.model_copy(update={"worker_poll_seconds": poll_seconds})
    stop = threading.Event()
    for stopping in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stopping, lambda *_: stop.set())
    database = Database.from_settings(settings)
    console.print(f"Confide worker: jobs {', '.join(job_handlers().kinds)}")
    escalating = threading.Thread(
        target=_escalate_flags, args=(database, stop), name="flag-escalation", daemon=True
    )
    escalating.start()
    try:
        Worker(database, job_handlers(), settings).run(stop)
    finally:
        stop.set()
        escalating.join(timeout=5)
        database.dispose()
    console.print("Confide worker stopped.")


# how often the worker looks for safety flags past CONFIDE_FLAG_ESCALATE_HOURS
FLAG_ESCALATION_SECONDS = 300.0


def _escalate_flags(database: Database, stop: threading.Event) -> None:
    """Beside the job loop: escalate overdue safety flags every few minutes (at once first)."""
    while not stop.is_set():
        try:
            with database.session(write=True) as session:
                escalate_due(session, datetime.now(UTC))
        except Exception:  # the database away for a moment: the next pass catches up
            logging.getLogger("confide.worker").exception("flag escalation failed")
        stop.wait(FLAG_ESCALATION_SECONDS)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration, then load payers and plans from the vocabulary."""
    engine = create_db_engine(get_settings().database_url)
    try:
        migrate.upgrade(engine)
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    with session_scope(write=True) as session:
        changed = sync_reference_data(session, file_vocabulary())
    console.print(f"Database at revision {revision}; {changed} payer and plan rows updated.")


@app.command()
def seed(
    therapists: Annotated[
        int | None, typer.Option(help="network size (default: CONFIDE_SEED_THERAPISTS)", min=1)
    ] = None,
    seed: Annotated[int | None, typer.Option(help="random seed (default: CONFIDE_SEED)")] = None,
    replace: Annotated[
        bool, typer.Option(help="delete the existing network, with its appointments, first")
    ] = False,
    if_empty: Annotated[
        bool, typer.Option(help="do nothing when the database already holds therapists")
    ] = False,
) -> None:
    """Generate the synthetic demo network (deterministic for a seed) and store it, and publish
    the texts that come with Confide through the demo reviewer account."""
    settings = get_settings()
    seed_demo_content(console)
    count = therapists or settings.seed_therapists
    seed_value = settings.seed if seed is None else seed
    with session_scope() as session:
        existing = therapist_count(session)
    if existing and if_empty:
        console.print(f"The network already holds {existing:,} therapists; not seeding.")
        return
    if existing and not replace:
        console.print(f"[red]{NetworkNotEmpty(existing)}[/red]")
        raise typer.Exit(code=1)
    started = time.perf_counter()
    network = generate_network(count, seed_value, get_vocabulary(), datetime.now(UTC).date())
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task(f"Seeding {count:,} therapists (seed {seed_value})", total=count)
        with session_scope(write=True) as session:
            if existing:
                progress.console.print(f"Replacing {existing:,} therapists.")
            write_network(
                session,
                network,
                replace=replace,
                progress=lambda done: progress.advance(task, done),
            )
    console.print(f"Seeded {count:,} therapists in {time.perf_counter() - started:.1f} s.")


@text_app.command("prepare")
def text_prepare() -> None:
    """Load the sentence model and train the danger reader once, keeping it in var/, so that
    neither the server's first text nor a test process waits for training (make run and make
    test do this before starting). Without the text extra, the rules read alone."""
    started = time.perf_counter()
    found = danger_learned.reader()
    if found is None:
        console.print("The text extra is not installed: the danger rules read free text alone.")
        return
    console.print(f"The danger reader is ready ({time.perf_counter() - started:.1f} s).")


@therapist_app.command("import-calendar")
def import_calendar(
    therapist_id: Annotated[int, typer.Argument(help="the therapist's id", min=1)],
    path: Annotated[Path, typer.Argument(help="an .ics file", exists=True, dir_okay=False)],
) -> None:
    """Take a therapist's busy times from their own calendar (.ics), recurring events expanded."""
    try:
        with session_scope(write=True) as session:
            count = interop.import_calendar(
                session, therapist_id, path.read_bytes(), datetime.now(UTC)
            )
    except DomainError as error:
        console.print(f"[red]{error.message}[/red]")
        raise typer.Exit(code=1) from None
    console.print(
        f"Therapist {therapist_id}: {count} busy times over the next "
        f"{interop.CALENDAR_IMPORT_DAYS} days."
    )


@network_app.command("stats")
def stats() -> None:
    """Print the network's distributions: states, licences, couples, languages, insurance."""
    with session_scope() as session:
        result = network_stats(session, get_vocabulary())
    print_stats(result)


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%" if 0.999 < value < 1 else f"{100 * value:.1f}%"


def _table(title: str, rows: Sequence[tuple[str, ...]], *headers: str) -> None:
    table = Table(title=title, title_justify="left")
    for header in headers:
        table.add_column(header)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def print_stats(s: NetworkStats) -> None:
    console.print(f"[bold]{s.therapists:,} therapists[/bold] in {len(s.by_state)} states and DC")
    _print_states(s)
    _print_licences(s)
    _table("Time zones", [(k, f"{v:,}") for k, v in s.time_zones.items()], "zone", "therapists")
    _print_practice(s)
    for state in ("CA", "TX", "NY", "FL", "MA"):
        shares = s.payer_share_by_state.get(state, {})
        console.print(
            f"Payers in {state}: "
            + ", ".join(f"{k} {_pct(v)}" for k, v in list(shares.items())[:8])
        )


def _print_states(s: NetworkStats) -> None:
    def row(k: str) -> tuple[str, ...]:
        share = s.by_state.get(k, 0) / s.therapists
        return k, f"{s.by_state.get(k, 0):,}", _pct(share), _pct(s.population_share[k])

    largest = sorted(s.population_share, key=lambda k: -s.population_share[k])[:10]
    smallest = sorted(s.population_share, key=lambda k: s.population_share[k])[:10]
    _table(
        "Therapists by state against population share (largest and smallest ten)",
        [row(k) for k in largest + smallest],
        "state",
        "therapists",
        "share",
        "population share",
    )
    ratio = sorted(
        ((s.by_state.get(k, 0) / s.therapists) / share, k)
        for k, share in s.population_share.items()
    )
    console.print(
        f"State share / population share ranges from {ratio[0][0]:.2f} ({ratio[0][1]})"
        f" to {ratio[-1][0]:.2f} ({ratio[-1][1]})"
    )


def _print_licences(s: NetworkStats) -> None:
    _table(
        "Licence mix",
        [
            (
                k,
                _pct(v),
                _pct(s.couples_share_by_licence.get(k, 0)),
                _pct(s.relationship_primary_by_licence.get(k, 0)),
                _pct(s.couples_modality_by_licence.get(k, 0)),
                f"${s.individual_rate_median_by_licence.get(k, 0):.0f}",
            )
            for k, v in s.licence_mix.items()
        ],
        "licence",
        "share",
        "sees couples",
        "primary concerns about relationships",
        "couples modality",
        "median individual rate",
    )
    _table(
        "Licensure and identity",
        [
            (
                "licences per therapist",
                ", ".join(f"{k}: {_pct(v)}" for k, v in s.licences_per_therapist.items()),
            ),
            ("practice state among active licences", _pct(s.practice_state_licensed)),
            ("valid NPIs (Luhn over 80840 + nine digits)", _pct(s.npi_valid)),
            ("NPIs unique", "yes" if s.npi_unique else "NO"),
            ("time zone fits the practice state", _pct(s.time_zone_consistent)),
            ("Arizona therapists without DST", _pct(s.arizona_without_dst)),
        ],
        "property",
        "value",
    )


def _print_practice(s: NetworkStats) -> None:
    _table(
        "Couples, languages, insurance, rates, hours, supply",
        [
            ("see couples", _pct(s.couples_share)),
            ("speak Spanish", _pct(s.spanish_share)),
            ("other languages", ", ".join(f"{k} {_pct(v)}" for k, v in s.other_languages.items())),
            ("on at least one insurance panel", _pct(s.in_network_share)),
            ("payers", ", ".join(f"{k} {_pct(v)}" for k, v in s.payer_share.items())),
            ("on a Medicaid panel", _pct(s.medicaid_share)),
            (
                "individual self-pay rate p5/p25/p50/p75/p95",
                " / ".join(f"${v:.0f}" for v in s.individual_rate_percentiles.values()),
            ),
            ("median couples self-pay rate", f"${s.couples_rate_median:.0f}"),
            ("offer a sliding scale", _pct(s.sliding_scale_share)),
            ("weekday share of weekly hours", _pct(s.weekday_hours_share)),
            ("work weekday evenings (after 18:00)", _pct(s.evening_share)),
            ("work Saturdays", _pct(s.saturday_share)),
            ("not accepting new clients", _pct(s.not_accepting_share)),
            ("paused", _pct(s.paused_share)),
            ("not accepting or paused", _pct(s.unavailable_share)),
        ],
        "property",
        "value",
    )


register_match(app)

if __name__ == "__main__":
    app()
