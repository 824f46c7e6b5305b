"""Domain errors: plain exceptions raised by services; the web layer maps them to HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class DomainError(Exception):
    """An expected failure a caller can act on. `code` is stable; `extra` goes into the body.

    `after_rollback`, when a service sets it, is run by the request's unit of work in a
    transaction of its own once the failed one is rolled back: a refused access to health data
    still goes on the audit trail."""

    code = "domain_error"
    # seconds after which asking again may get another answer (sent as Retry-After)
    retry_after: int | None = None
    after_rollback: Callable[[Any], None] | None = None

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class NotFound(DomainError):
    code = "not_found"


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a rule; names the field and what is allowed."""

    code = "invalid_input"

    def __init__(self, field: str, message: str, allowed: list[Any] | None = None) -> None:
        extra: dict[str, Any] = {"field": field}
        if allowed is not None:
            extra["allowed"] = allowed
        super().__init__(message, **extra)
        self.field = field


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class AppointmentClosed(Conflict):
    """The appointment exists but its status no longer allows this (it was cancelled, or took
    place): the request was well formed, the appointment's state is what refuses it."""

    code = "appointment_closed"


class NotStarted(Conflict):
    """The appointment has not begun yet: attendance is marked only after its start."""

    code = "not_started"


class SlotUnavailable(Conflict):
    """The start asked for is not (or no longer) free; `alternatives` lists nearby free starts.

    When the conflict is found under a lock, the alternatives are looked up after the
    transaction ends: `lookup` says where (therapist id, session type, epoch minute).
    """

    code = "slot_unavailable"
    lookup: tuple[int, str, int] | None = None


class TherapistUnavailable(Conflict):
    """The therapist cannot take this booking now (not accepting, paused, or full)."""

    code = "therapist_unavailable"


class HoldExpired(Conflict):
    code = "hold_expired"


class HoldExists(Conflict):
    """The client already holds a time: one live hold per client. `existing` names it."""

    code = "hold_exists"


class FirstSessionExists(Conflict):
    """The client already has an upcoming first session of this format (individual or couples);
    `existing` names it."""

    code = "first_session_exists"


class CouplesUnavailable(Conflict):
    """Joint sessions cannot be booked for this couple. The message never says why, and both
    partners get the same one."""

    code = "couples_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "Joint sessions can't be booked for this account right now. "
            "Individual sessions are available."
        )


class SafetyQuestionsNeeded(Conflict):
    """A joint session waits until each partner has answered the private partner-violence
    questions from their own account. The same words whichever partner has not answered yet,
    and they say nothing about what anyone answered."""

    code = "safety_questions_needed"

    def __init__(self) -> None:
        super().__init__(
            "Before a joint session can be booked, each partner answers a few private safety "
            "questions from their own account. Answers stay private: neither partner sees what "
            "the other said. Individual sessions can be booked now.",
            questions="/api/v1/screenings/safety/questions",
        )


class RateLimited(DomainError):
    """Too many requests of one kind from one address or account; try again after a while."""

    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests; please try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
        self.retry_after = retry_after
