"""All ORM tables, on one metadata for Alembic."""

from confide.models.accounts import (
    LINK_PURPOSES,
    USER_ROLES,
    AccountLink,
    ApiToken,
    BrowserSession,
    User,
)
from confide.models.admin import MatchTally
from confide.models.audit import ACTOR_ROLES, AuditEvent
from confide.models.base import Base, UTCDateTime, utcnow
from confide.models.clients import Client
from confide.models.content import CONTENT_KINDS, CONTENT_STATES, ContentItem, ContentVersion
from confide.models.filters import among
from confide.models.intake import IntakeDraft
from confide.models.jobs import JOB_STATUSES, Job
from confide.models.network import (
    Licence,
    PanelParticipation,
    Payer,
    Plan,
    Therapist,
    TherapistIdentity,
    TherapistLanguage,
    TherapistModality,
    TherapistPopulation,
    TherapistService,
    TherapistSpecialty,
    TimeOff,
    WeeklyHours,
)
from confide.models.safety import SafetyRecord
from confide.models.scheduling import (
    APPOINTMENT_STATUSES,
    BLOCKING_STATUSES,
    CANCELLED_BY,
    Appointment,
    AppointmentParticipant,
    ExternalBusy,
    IdempotencyRecord,
    TherapistSharing,
    blocking_clause,
)
from confide.models.screening import SAFETY_FLAG_KINDS, SafetyFlag, ScreeningResponse

__all__ = [
    "ACTOR_ROLES",
    "APPOINTMENT_STATUSES",
    "BLOCKING_STATUSES",
    "JOB_STATUSES",
    "CANCELLED_BY",
    "CONTENT_KINDS",
    "CONTENT_STATES",
    "LINK_PURPOSES",
    "SAFETY_FLAG_KINDS",
    "USER_ROLES",
    "AccountLink",
    "ApiToken",
    "Appointment",
    "AppointmentParticipant",
    "AuditEvent",
    "Base",
    "BrowserSession",
    "Client",
    "ContentItem",
    "ContentVersion",
    "ExternalBusy",
    "IdempotencyRecord",
    "IntakeDraft",
    "Job",
    "Licence",
    "MatchTally",
    "PanelParticipation",
    "Payer",
    "Plan",
    "SafetyFlag",
    "SafetyRecord",
    "ScreeningResponse",
    "Therapist",
    "TherapistIdentity",
    "TherapistLanguage",
    "TherapistModality",
    "TherapistPopulation",
    "TherapistService",
    "TherapistSharing",
    "TherapistSpecialty",
    "TimeOff",
    "UTCDateTime",
    "User",
    "WeeklyHours",
    "among",
    "blocking_clause",
    "utcnow",
]
