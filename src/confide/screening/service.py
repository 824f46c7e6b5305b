"""Recording screenings and safety answers, and reading a client's screenings back.

Everything stored is encrypted (models/screening.py, models/safety.py), every write and read is
on the audit trail (per client: the object id is the client's id), and nothing commits. A risk
of self-harm, from PHQ-9 item 9 or a yes to the direct question, goes into the client's safety
record and raises a safety flag for a clinician. Every partner-violence answer, yes or no, goes
into the safety record: joint booking waits for each partner's answers (scheduling's
booking_rules.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from confide import audit
from confide.audit import Actor
from confide.errors import InvalidInput, NotFound
from confide.models import Client, SafetyFlag, SafetyRecord, ScreeningResponse
from confide.screening import fhir, instruments
from confide.screening.instruments import INSTRUMENTS, SELF_HARM_RISK, SEXES
from confide.screening.safety import record_safety
from confide.screening.safety_questions import (
    PARTNER_VIOLENCE_CODES,
    SAFETY_QUESTIONS,
    SELF_HARM_QUESTION,
    check_answers,
)

SCREENING = "screening_response"  # audited per client
FLAG = "safety_flag"  # audited per client
# the PHQ-9 item judged on its own
PHQ9_SELF_HARM_ITEM = INSTRUMENTS["phq9"].items[8].code


def check_screening(code: str, answers: Sequence[int], sex: str | None) -> instruments.Score:
    """The score, or InvalidInput naming the field (instrument, sex or answers) and what it
    may be."""
    if code not in INSTRUMENTS:
        raise InvalidInput(
            "instrument", f"{code!r} is not an instrument we score", allowed=list(INSTRUMENTS)
        )
    if sex is not None and sex not in SEXES:
        raise InvalidInput("sex", f"{sex!r} is not a sex we score by", allowed=list(SEXES))
    try:
        return instruments.score(code, answers, sex)
    except ValueError as error:
        options = [o.value for o in INSTRUMENTS[code].items[0].options]
        raise InvalidInput("answers", str(error), allowed=options) from None


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"client {client_id} does not exist")
    return client


def raise_safety_flag(
    session: Session, client_id: int, kind: str, *, source: str, actor: Actor, now: datetime
) -> SafetyFlag:
    """Ask a clinician to look: an open flag (not yet acknowledged) for the portal's queue."""
    flag = SafetyFlag(client_id=client_id, kind=kind, raised_at=now, source=source)
    session.add(flag)
    session.flush()
    audit.record(session, actor, "create", FLAG, client_id, "ok", now)
    return flag


def record_screening(
    session: Session,
    client_id: int,
    instrument_code: str,
    answers: Sequence[int],
    *,
    sex: str | None,
    actor: Actor,
    now: datetime,
) -> ScreeningResponse:
    """Score and keep one screening (its FHIR QuestionnaireResponse and Observation, encrypted);
    a self-harm risk goes into the safety record and raises a flag."""
    result = check_screening(instrument_code, answers, sex)
    _client(session, client_id)
    found = INSTRUMENTS[instrument_code]
    answered = list(answers)
    response = ScreeningResponse(
        client_id=client_id,
        answered_at=now,
        instrument=instrument_code,
        total=result.total,
        band=result.band,
        positive=result.positive,
        flags=list(result.flags),
        questionnaire_response=fhir.questionnaire_response(found, answered, result, now, client_id),
        observation=fhir.observation(found, result, now, client_id),
    )
    session.add(response)
    session.flush()
    if SELF_HARM_RISK in result.flags:
        source = f"screening:{PHQ9_SELF_HARM_ITEM}"
        record_safety(
            session,
            client_id,
            partner_violence=False,
            self_harm_risk=True,
            source=source,
            actor=actor,
            now=now,
        )
        raise_safety_flag(session, client_id, SELF_HARM_RISK, source=source, actor=actor, now=now)
    audit.record(session, actor, "create", SCREENING, client_id, "ok", now)
    return response


def record_safety_answers(
    session: Session,
    client_id: int,
    answers: Mapping[str, int],
    *,
    source: str,
    actor: Actor,
    now: datetime,
) -> list[SafetyRecord]:
    """Keep each answer (yes or no) in the client's safety record as "<source>:<question>";
    a yes to the self-harm question raises a flag too. InvalidInput names the answers allowed."""
    try:
        check_answers(answers)
    except ValueError as error:
        allowed = [q.code for q in SAFETY_QUESTIONS]
        raise InvalidInput("answers", str(error), allowed=allowed) from None
    _client(session, client_id)
    records = []
    for question in SAFETY_QUESTIONS:  # in the order asked, whatever order they came in
        if question.code not in answers:
            continue
        yes = answers[question.code] == 1
        records.append(
            record_safety(
                session,
                client_id,
                partner_violence=yes and question.code in PARTNER_VIOLENCE_CODES,
                self_harm_risk=yes and question.code == SELF_HARM_QUESTION.code,
                source=f"{source}:{question.code}",
                actor=actor,
                now=now,
            )
        )
    if answers.get(SELF_HARM_QUESTION.code) == 1:
        raise_safety_flag(
            session,
            client_id,
            SELF_HARM_RISK,
            source=f"{source}:{SELF_HARM_QUESTION.code}",
            actor=actor,
            now=now,
        )
    return records


def screening_history(
    session: Session, client_id: int, actor: Actor, now: datetime
) -> list[ScreeningResponse]:
    """Every screening the client answered, oldest first (for the client and their clinicians)."""
    _client(session, client_id)
    responses = list(
        session.scalars(
            select(ScreeningResponse)
            .where(ScreeningResponse.client_id == client_id)
            .order_by(ScreeningResponse.answered_at, ScreeningResponse.id)
        )
    )
    audit.record(session, actor, "read", SCREENING, client_id, "ok", now)
    return responses
