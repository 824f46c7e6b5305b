"""Pages for staff (therapists, reviewers, admins): who may see them, and how a refusal reads.

A page's handler runs its work through `staff_page` / `staff_form`: the caller is resolved in
the unit of work and must hold one of the page's roles. Nobody signed in is sent to sign in
(303); the wrong role gets a 403 page; a domain error (a bad field, something not found) is
shown as a page with its status, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Request, Response
from sqlalchemy.orm import Session

from confide.accounts.deps import Caller
from confide.accounts.forms import see_other
from confide.accounts.principal import Principal
from confide.audit import Actor
from confide.errors import DomainError, Forbidden, InvalidInput, Unauthorized
from confide.web.errors import status_for
from confide.web.templating import templates
from confide.web.unit_of_work import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True)
class Staff:
    """The staff member asking, as the page and the audit trail need them."""

    principal: Principal
    actor: Actor

    @property
    def user_id(self) -> int:
        return self.principal.user_id

    @property
    def role(self) -> str:
        return self.principal.role

    @property
    def therapist_id(self) -> int | None:
        return self.principal.therapist_id

    @property
    def csrf_token(self) -> str | None:
        return self.principal.csrf_token


def require_staff(
    session: Session, caller: Caller, roles: Collection[str], *, csrf: str | None = None
) -> Staff:
    """The caller, if signed in with one of `roles` (Unauthorized for nobody, else Forbidden)."""
    principal = caller.signed_in(session, csrf=csrf) if csrf is not None else None
    if principal is None:
        found = caller.viewer(session)
        if found is None:
            raise Unauthorized("sign in first")
        principal = found
    if principal.role not in roles:
        raise Forbidden("this page is for " + " and ".join(sorted(roles)) + " accounts")
    if principal.role == "therapist" and principal.therapist_id is None:
        raise Forbidden("this account is not tied to a therapist record")
    actor = Actor(user_id=principal.user_id, role=principal.role, address=caller.address)
    return Staff(principal, actor)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def refusal(request: Request, error: DomainError) -> Response:
    """The page for a refused request: sign in, or what went wrong, with its status."""
    if isinstance(error, Unauthorized):
        return see_other("/signin?next=" + quote(request.url.path, safe="/"))
    message = f"{error.field}: {error.message}" if isinstance(error, InvalidInput) else None
    return render(
        request,
        "accounts/staff_problem.html",
        {"message": message or error.message},
        status_for(error),
    )


async def staff_page(
    request: Request,
    uow: UnitOfWork,
    work: Callable[[Session], T],
    show: Callable[[T], Response],
) -> Response:
    """Run `work` in a writing unit of work (reads of health data are recorded), then `show`."""
    try:
        found = await uow.write(work)
    except DomainError as error:
        return refusal(request, error)
    return show(found)


async def staff_form(
    request: Request,
    uow: UnitOfWork,
    work: Callable[[Session], T],
    after: Callable[[T], Response],
) -> Response:
    """A form's write, then `after` (a redirect to the page, POST then GET); a refused one
    shows the problem page with its status, nothing kept."""
    try:
        done = await uow.write(work)
    except DomainError as error:
        return refusal(request, error)
    return after(done)
