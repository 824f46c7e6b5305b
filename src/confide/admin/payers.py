"""Payers and their plans: list them, add a plan, retire one.

The database holds the plans at run time (vocab/catalogue.py): each change stamps the catalogue,
so this process (at once, told by the page) and every other (at its next look) reloads them. A
new plan is offered to clients and therapists and accepted in input from then on. A retired plan
is kept (panels and past answers name it, and still read) but offered no more: new input naming
it is refused, no therapist joins its panel, and a client's saved answers naming it are matched
as self-pay, with a word to choose another plan (intake/service.py: retired_plan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from confide import audit
from confide.audit import Actor
from confide.errors import Conflict, InvalidInput, NotFound
from confide.models import PanelParticipation, Payer, Plan
from confide.vocab import get_vocabulary
from confide.vocab.catalogue import stamp_plans

PLAN = "plan"  # audit object type
PLAN_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class PlanRow:
    code: str
    name: str
    product: str
    states: list[str] | None
    retired_at: datetime | None
    panels: int  # therapist-state panel entries naming it


@dataclass(frozen=True)
class PayerRow:
    code: str
    name: str
    kind: str
    plans: list[PlanRow]


@dataclass(frozen=True)
class NewPlan:
    payer: str
    code: str
    name: str
    product: str
    states: str  # two-letter codes separated by spaces or commas; empty: nationwide


def products(session: Session) -> list[str]:
    """The plan products known: those of the plans on file."""
    return sorted(set(session.scalars(select(Plan.product).distinct())))


def list_payers(session: Session) -> list[PayerRow]:
    counts = dict(
        session.execute(
            select(PanelParticipation.plan_code, func.count()).group_by(
                PanelParticipation.plan_code
            )
        ).all()
    )
    payers = session.scalars(
        select(Payer).options(selectinload(Payer.plans)).order_by(Payer.name)
    ).all()
    return [
        PayerRow(
            payer.code,
            payer.name,
            payer.kind,
            [
                PlanRow(p.code, p.name, p.product, p.states, p.retired_at, counts.get(p.code, 0))
                for p in payer.plans
            ],
        )
        for payer in payers
    ]


def _states(text: str) -> list[str] | None:
    codes = [c.upper() for c in re.split(r"[\s,]+", text.strip()) if c]
    if not codes:
        return None
    known = get_vocabulary().states
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InvalidInput(
            "states", f"not a state code: {', '.join(unknown)}; use two-letter codes like NY CA"
        )
    return sorted(set(codes))


def add_plan(session: Session, new: NewPlan, actor: Actor, now: datetime) -> Plan:
    """A new plan of a payer on file; its code is unique and lower-case with hyphens."""
    payer = session.get(Payer, new.payer)
    if payer is None:
        raise InvalidInput("payer", "choose a payer on file")
    code = new.code.strip()
    if not (3 <= len(code) <= 60) or not PLAN_CODE.fullmatch(code):
        raise InvalidInput(
            "code", "3 to 60 lower-case letters and digits, words joined by hyphens (aetna-epo)"
        )
    name = new.name.strip()
    if not (2 <= len(name) <= 160):
        raise InvalidInput("name", "give the plan's name, 2 to 160 characters")
    allowed = products(session)
    if new.product not in allowed:
        raise InvalidInput("product", f"{new.product!r} is not a plan product", allowed)
    states = _states(new.states)
    # the stamp first: it locks the catalogue's row, so two admins adding the same code queue
    # here, and the second is told the plan exists rather than failing on the insert
    stamp_plans(session, now)
    if session.get(Plan, code) is not None:
        raise Conflict(f"there is already a plan {code}")
    plan = Plan(code=code, payer_code=payer.code, name=name, product=new.product, states=states)
    session.add(plan)
    session.flush()
    audit.record(session, actor, "create", PLAN, code, "ok", now)
    return plan


def retire_plan(session: Session, code: str, actor: Actor, now: datetime) -> Plan:
    """Mark the plan retired (once)."""
    plan = session.get(Plan, code, with_for_update=True)
    if plan is None:
        raise NotFound(f"no plan {code}")
    if plan.retired_at is not None:
        raise Conflict(f"plan {code} was retired already")
    plan.retired_at = now
    session.flush()
    stamp_plans(session, now)
    audit.record(session, actor, "update", PLAN, code, "ok", now)
    return plan
