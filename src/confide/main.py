"""create_app(settings): wiring only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from confide import __version__
from confide.accounts.account_pages import router as account_pages_router
from confide.accounts.api import router as clients_router
from confide.accounts.auth_api import router as auth_router
from confide.accounts.deps import acting_client, acting_user, caller_account
from confide.accounts.pages import router as account_forms_router
from confide.admin.pages import router as admin_pages_router
from confide.audit.api import audit_router
from confide.audit.sealing import Sealer
from confide.config import Settings, get_settings
from confide.content.api import router as content_router
from confide.content.pages import router as content_pages_router
from confide.crypto import install_keyring
from confide.db import Database
from confide.intake.pages import claim_on_sign_in, told_in_intake
from confide.intake.pages import router as intake_pages_router
from confide.interop.calendar_api import router as calendar_router
from confide.interop.fhir_api import router as fhir_router
from confide.job_handlers import job_handlers
from confide.matching.api import router as matching_router
from confide.matching.concern_text import map_concern_text
from confide.matching.live import install_matching
from confide.network.api import router as therapists_router
from confide.network.supply_rules import set_licence_max_age
from confide.notifications.worker import Worker
from confide.portal import visits as portal_visits
from confide.portal.appointments import router as portal_appointments_router
from confide.portal.flags import router as flag_pages_router
from confide.portal.listing_pages import router as portal_listing_router
from confide.portal.pages import router as portal_pages_router
from confide.program.api import router as program_router
from confide.program.checkin_api import router as checkin_api_router
from confide.program.checkin_pages import router as checkin_pages_router
from confide.program.pages import router as program_pages_router
from confide.scheduling.api import router as scheduling_router
from confide.scheduling.openings import OpeningsIndex
from confide.scheduling.pages import router as booking_pages_router
from confide.screening.api import screening_router
from confide.screening.partner_questions import PartnerViolenceQuestions
from confide.screening.text_api import intake_text_router
from confide.vocab.api import router as vocab_router
from confide.vocab.catalogue import PlanWatch
from confide.web import errors
from confide.web.docs import install_docs
from confide.web.limits import ConcurrencyCap
from confide.web.openapi import install_openapi
from confide.web.pages import router as pages_router
from confide.web.plans import CurrentPlans
from confide.web.rate_limits import RateLimiter
from confide.web.readiness import Readiness
from confide.web.readiness import router as readiness_router
from confide.web.security import SecurityHeaders
from confide.web.templating import PACKAGE
from confide.web.warm_up import warm_up_requests

# how long a stopping process gives the audit sealer for its last pass
SEALER_STOP_SECONDS = 3.0


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    owns_database = database is None
    database = database or Database.from_settings(settings)
    # one keyring per process, reached by the encrypted column types (see confide.crypto)
    install_keyring(settings.field_keyring())
    set_licence_max_age(settings.licence_max_age_days)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # build the indexes now, in the background: /readyz turns 200 when they are done
        readiness: Readiness = app.state.readiness
        readiness.start()
        sealer: Sealer = app.state.audit_sealer
        sealer.start()
        tallies = app.state.matching.tallies
        tallies.start()
        yield
        tallies.stop(timeout=min(settings.shutdown_seconds, SEALER_STOP_SECONDS))
        # a last pass seals the rows of the requests just finished; bounded, then interrupted
        sealer.stop(timeout=min(settings.shutdown_seconds, SEALER_STOP_SECONDS))
        if owns_database:
            # past CONFIDE_SHUTDOWN_SECONDS: the queries of requests still at work stop here
            database.interrupt()
        readiness.stop(timeout=settings.shutdown_seconds)
        if owns_database:
            database.dispose()

    app = FastAPI(
        title="Confide",
        version=__version__,
        description="Therapist matching and booking for relationships hurt by broken trust.",
        lifespan=lifespan,
        docs_url=None,  # web/docs.py serves it from local assets, without inline script
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.rate_limiter = RateLimiter.from_settings(settings)
    app.state.audit_sealer = Sealer(database, every=settings.audit_seal_seconds)
    app.state.openings = OpeningsIndex(horizon_days=settings.match_horizon_days)
    # runs a queued job at once where someone waits for it (account mail); `confide worker`
    # runs the rest, and retries
    app.state.jobs = Worker(database, job_handlers(), settings)
    # run inside the sign-in's unit of work: what the browser did before signing in follows it
    app.state.sign_in_hooks = [claim_on_sign_in]
    # what the account forms may fill in for a visitor (accounts/forms.py: told_before)
    app.state.known_person_hooks = [told_in_intake]
    # what the account page asks each partner privately (accounts/private_questions.py)
    app.state.private_question_hooks = [PartnerViolenceQuestions()]
    # the plans in force (the database's), looked for before each request when due
    app.state.plan_watch = PlanWatch(settings.index_refresh_seconds)
    errors.install(app)
    install_openapi(app)
    app.add_middleware(CurrentPlans, database=database, watch=app.state.plan_watch)
    # fewer requests at work than pooled connections: see web/limits.py
    app.add_middleware(ConcurrencyCap, limit=min(settings.requests_at_work, settings.db_pool_size))
    app.add_middleware(SecurityHeaders, behind_tls_proxy=settings.behind_tls_proxy)
    app.mount("/static", StaticFiles(directory=PACKAGE / "web" / "static"), name="static")
    install_docs(app)
    app.include_router(pages_router)
    app.include_router(readiness_router)
    app.include_router(vocab_router)
    app.include_router(therapists_router)
    app.include_router(auth_router)
    app.include_router(clients_router)
    app.include_router(scheduling_router)
    app.include_router(calendar_router)
    app.include_router(fhir_router)
    app.include_router(booking_pages_router)
    app.include_router(account_forms_router)
    app.include_router(account_pages_router)
    app.include_router(intake_pages_router)
    app.include_router(matching_router)
    app.include_router(portal_pages_router)
    app.include_router(portal_listing_router)
    app.include_router(flag_pages_router)
    app.include_router(admin_pages_router)
    # program (couples trust repair)
    app.include_router(program_router)
    app.include_router(program_pages_router)
    app.include_router(
        intake_text_router(lambda text: map_concern_text(text).codes, account=caller_account)
    )
    app.include_router(audit_router(acting_user))
    app.include_router(content_router)
    app.include_router(content_pages_router)
    app.include_router(screening_router(acting_client))
    app.include_router(portal_appointments_router)  # visits
    # checkins: weekly check-ins, progress, sharing, the couple's therapist's view
    app.include_router(checkin_api_router)
    app.include_router(checkin_pages_router)
    live = install_matching(app, database, settings)
    # a first session the therapist cancelled: the booking page offers similar therapists (visits)
    app.state.similar_openings = portal_visits.similar_openings(live)
    app.state.readiness = Readiness(
        live.warm_up,
        warm_up=(
            (lambda: warm_up_requests(app, text=settings.warm_up_text))
            if settings.warm_up_request
            else None
        ),
    )
    return app
