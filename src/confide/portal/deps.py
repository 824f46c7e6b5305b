"""Who is asking on the portal's pages: a therapist account, acting for its own therapist record.

No portal address names a therapist: the record is always the signed-in account's own, so no
one can name another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller, CallerDep
from confide.accounts.principal import Principal
from confide.audit import Actor
from confide.errors import Forbidden, Unauthorized
from confide.portal.acting import Acting


@dataclass(frozen=True, slots=True)
class TherapistCaller:
    caller: Caller

    def acting(self, session: Session, *, csrf: str | None = None) -> Acting:
        """The signed-in therapist (Unauthorized for nobody, Forbidden for any other role, or
        a form without its CSRF token when `csrf` is given)."""
        principal = self.caller.principal(session, csrf=csrf)
        return self._therapist(principal)

    def viewing(self, session: Session) -> Acting:
        """The signed-in therapist, to show them a page (also after a refused form)."""
        return self._therapist(self.caller.viewer(session))

    def _therapist(self, principal: Principal | None) -> Acting:
        if principal is None:
            raise Unauthorized("sign in first")
        if principal.role != "therapist" or principal.therapist_id is None:
            raise Forbidden("these pages are for therapists listed with Confide")
        actor = Actor(user_id=principal.user_id, role="therapist", address=self.caller.address)
        return Acting(principal.therapist_id, actor, principal.csrf_token or "")


async def acting_therapist(caller: CallerDep) -> TherapistCaller:
    """The portal's caller, resolved inside each route's unit of work."""
    return TherapistCaller(caller)


TherapistDep = Annotated[TherapistCaller, Depends(acting_therapist)]
