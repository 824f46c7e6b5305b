"""Loads the data files' payers and plans into their tables (`confide db upgrade`).

The database then holds the plans (vocab/catalogue.py): a plan added by an admin is kept, and a
retired one stays retired; a plan of the files whose name, product or states changed is updated.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide.models import Payer, Plan
from confide.vocab.catalogue import plans_version, stamp_plans
from confide.vocab.registry import Vocabulary


def sync_reference_data(session: Session, vocab: Vocabulary, now: datetime | None = None) -> int:
    """Insert or update every payer and plan of `vocab` (the data files'); returns how many rows
    changed. The plan catalogue's stamp changes with them, so running processes reload."""
    changed = 0
    payers = {p.code: p for p in session.scalars(select(Payer))}
    for payer in vocab.payers.values():
        row = payers.get(payer.code)
        if row is None:
            session.add(Payer(code=payer.code, name=payer.name, kind=payer.kind))
            changed += 1
        elif (row.name, row.kind) != (payer.name, payer.kind):
            row.name, row.kind = payer.name, payer.kind
            changed += 1
    session.flush()
    plans = {p.code: p for p in session.scalars(select(Plan))}
    for plan in vocab.plans.values():
        states = sorted(plan.states) if plan.states is not None else None
        fields = (plan.payer_code, plan.name, plan.product, states)
        plan_row = plans.get(plan.code)
        if plan_row is None:
            session.add(
                Plan(
                    code=plan.code,
                    payer_code=plan.payer_code,
                    name=plan.name,
                    product=plan.product,
                    states=states,
                )
            )
            changed += 1
        elif (plan_row.payer_code, plan_row.name, plan_row.product, plan_row.states) != fields:
            plan_row.payer_code, plan_row.name, plan_row.product, plan_row.states = fields
            changed += 1
    session.flush()
    if changed or plans_version(session) is None:
        stamp_plans(session, now or datetime.now(UTC))
    return changed
