"""A client's private safety record: written by the intake, read by booking, every access audited.

A partner-violence disclosure, once made, stays disclosed: a later "no" may be given with the
partner watching, so only a clinician (not built yet) should ever set one aside. Couples work is
refused where either partner has disclosed; the answer gives callers no reason to pass on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import NotFound
from confide.models import Client, SafetyRecord
from confide.screening.safety_questions import PARTNER_VIOLENCE_CODES

OBJECT_TYPE = "safety_record"  # audited per client: the object id is the client's id


@dataclass(frozen=True, slots=True)
class SafetySummary:
    partner_violence: bool
    self_harm_risk: bool
    last_recorded_at: datetime | None


def record_safety(
    session: Session,
    client_id: int,
    *,
    partner_violence: bool,
    self_harm_risk: bool,
    source: str,
    detail: str | None = None,
    actor: Actor,
    now: datetime,
) -> SafetyRecord:
    """Keep one answer (yes or no) with where it came from, e.g. source="intake:pv_fear"."""
    if session.get(Client, client_id) is None:
        raise NotFound(f"client {client_id} does not exist")
    safety = SafetyRecord(
        client_id=client_id,
        partner_violence=partner_violence,
        self_harm_risk=self_harm_risk,
        recorded_at=now,
        source=source,
        detail=detail,
    )
    session.add(safety)
    session.flush()
    audit.record(session, actor, "create", OBJECT_TYPE, client_id, "ok", now)
    return safety


def _records(session: Session, client_ids: list[int]) -> list[SafetyRecord]:
    return list(
        session.scalars(
            select(SafetyRecord)
            .where(SafetyRecord.client_id.in_(client_ids))
            .order_by(SafetyRecord.recorded_at, SafetyRecord.id)
        )
    )


def _summary(records: list[SafetyRecord]) -> SafetySummary:
    return SafetySummary(
        partner_violence=any(r.partner_violence for r in records),
        self_harm_risk=any(r.self_harm_risk for r in records),
        last_recorded_at=records[-1].recorded_at if records else None,
    )


@dataclass(frozen=True, slots=True)
class CoupleSafety:
    # each partner answered at least one partner-violence question, yes or no
    both_answered: bool
    # either partner ever disclosed partner violence, from any source
    disclosed: bool


def answers_partner_violence_question(record: SafetyRecord) -> bool:
    """Whether the record is an answer to one of the partner-violence questions (its source
    ends in the question's code, e.g. "intake:pv_fear" or "account:pv_control")."""
    return record.source.rpartition(":")[2] in PARTNER_VIOLENCE_CODES


def couple_safety(
    session: Session, client_id: int, partner_id: int, *, actor: Actor, now: datetime
) -> CoupleSafety:
    """What joint booking needs to know of a couple's records, and nothing of whose they are."""
    records = _records(session, [client_id, partner_id])
    answered = {r.client_id for r in records if answers_partner_violence_question(r)}
    for reader_of in sorted({client_id, partner_id}):
        audit.record(session, actor, "read", OBJECT_TYPE, reader_of, "ok", now)
    return CoupleSafety(
        both_answered={client_id, partner_id} <= answered,
        disclosed=any(r.partner_violence for r in records),
    )


def safety_summary(
    session: Session, client_id: int, *, actor: Actor, now: datetime
) -> SafetySummary:
    """Whether the client ever disclosed partner violence or self-harm risk, and when last asked."""
    summary = _summary(_records(session, [client_id]))
    audit.record(session, actor, "read", OBJECT_TYPE, client_id, "ok", now)
    return summary


def safety_history(
    session: Session, client_id: int, *, actor: Actor, now: datetime
) -> list[SafetyRecord]:
    """Every answer the client gave, oldest first (for the client's clinicians)."""
    records = _records(session, [client_id])
    audit.record(session, actor, "read", OBJECT_TYPE, client_id, "ok", now)
    return records


def partner_violence_disclosed(
    session: Session, client_id: int, *, actor: Actor, now: datetime
) -> bool:
    """Whether this client has ever disclosed partner violence."""
    return safety_summary(session, client_id, actor=actor, now=now).partner_violence


def couple_partner_violence_disclosed(
    session: Session, client_id: int, partner_id: int, *, actor: Actor, now: datetime
) -> bool:
    """Whether either partner has ever disclosed partner violence (refuse couples work if so)."""
    disclosed = any(r.partner_violence for r in _records(session, [client_id, partner_id]))
    for reader_of in sorted({client_id, partner_id}):
        audit.record(session, actor, "read", OBJECT_TYPE, reader_of, "ok", now)
    return disclosed


def last_partner_violence_answer(
    session: Session, client_id: int, *, actor: Actor, now: datetime
) -> datetime | None:
    """When the client last answered a partner-violence question (yes or no), if ever."""
    answered = [r for r in _records(session, [client_id]) if answers_partner_violence_question(r)]
    audit.record(session, actor, "read", OBJECT_TYPE, client_id, "ok", now)
    return answered[-1].recorded_at if answered else None
