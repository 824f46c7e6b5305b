"""The program's domain errors (mapped to HTTP by web/errors.py through their bases)."""

from __future__ import annotations

from confide.errors import Conflict

# the same words whatever the reason: a partner's disclosure, or answers not given yet
JOINT_STEPS_CLOSED = "Joint steps are not available right now; individual support is."


class JointStepsUnavailable(Conflict):
    """The safety gate is closed for this couple; says nothing of why or whose."""

    code = "joint_steps_unavailable"

    def __init__(self) -> None:
        super().__init__(JOINT_STEPS_CLOSED)


class InvalidTransition(Conflict):
    """The object's status does not allow this change; names what is allowed from it."""

    code = "invalid_transition"

    def __init__(self, what: str, current: str, wanted: str, allowed: list[str]) -> None:
        options = ", ".join(allowed) if allowed else "nothing (it is final)"
        super().__init__(
            f"this {what} is {current}; it cannot become {wanted} (allowed from {current}: "
            f"{options})",
            status=current,
            allowed=allowed,
        )
