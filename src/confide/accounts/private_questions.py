"""Private questions the account page asks a client on their own: when they accept a partner's
invitation, and in a section only they see until they have answered.

The questions and their records belong to a capability beside this one (screening's
partner-violence questions), wired in main as app.state.private_question_hooks, as the sign-in
hooks are. Answers are optional where a link is made (linking succeeds whatever they are: a
refused link would tell the partner why); joint booking waits for them (scheduling's booking
rules). Nothing here is ever prefilled, and nothing about one partner's answers reaches the
other partner's page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from fastapi import Request
from sqlalchemy.orm import Session

from confide.audit import Actor

PRIVATE_QUESTION_HOOKS = "private_question_hooks"
# answers older than this are asked again, optionally, when a link is made
ASK_AGAIN_AFTER = timedelta(days=30)


class Choice(Protocol):
    @property
    def value(self) -> int: ...
    @property
    def label(self) -> str: ...


class Question(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def options(self) -> Sequence[Choice]: ...


class Help(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def contact(self) -> str: ...


class PrivateQuestions(Protocol):
    @property
    def questions(self) -> Sequence[Question]: ...

    def last_answered(
        self, session: Session, client_id: int, *, actor: Actor, now: datetime
    ) -> datetime | None: ...

    def record(
        self,
        session: Session,
        client_id: int,
        answers: Mapping[str, int],
        *,
        source: str,
        actor: Actor,
        now: datetime,
    ) -> Sequence[Help]: ...


def question_hooks(request: Request) -> list[PrivateQuestions]:
    return list(getattr(request.app.state, PRIVATE_QUESTION_HOOKS, ()))


def due(
    hooks: Sequence[PrivateQuestions],
    session: Session,
    client_id: int,
    *,
    within: timedelta | None,
    actor: Actor,
    now: datetime,
) -> list[PrivateQuestions]:
    """The question sets to ask: never answered, or (with `within`) not answered that recently."""
    asking = []
    for hook in hooks:
        last = hook.last_answered(session, client_id, actor=actor, now=now)
        if last is None or (within is not None and now - last > within):
            asking.append(hook)
    return asking


def read_answers(
    hooks: Sequence[PrivateQuestions], form: Mapping[str, object]
) -> tuple[dict[str, int], dict[str, str]]:
    """The answers given in a form (a question left blank is not answered), and a message per
    field whose value is not one of its choices."""
    answers: dict[str, int] = {}
    errors: dict[str, str] = {}
    for hook in hooks:
        for question in hook.questions:
            given = form.get(question.code)
            if given is None or given == "":
                continue
            allowed = {str(choice.value): choice.value for choice in question.options}
            if not isinstance(given, str) or given not in allowed:
                shown = "a file" if not isinstance(given, str) else repr(given[:20])
                names = ", ".join(f"{c.value} ({c.label.lower()})" for c in question.options)
                errors[question.code] = f"{shown} is not an answer; allowed: {names}"
                continue
            answers[question.code] = allowed[given]
    return answers, errors


def record_answers(
    hooks: Sequence[PrivateQuestions],
    session: Session,
    client_id: int,
    answers: Mapping[str, int],
    *,
    source: str,
    actor: Actor,
    now: datetime,
) -> list[Help]:
    """Keep each set's answers (sets left unanswered are skipped); the help for this person."""
    found: list[Help] = []
    for hook in hooks:
        codes = {q.code for q in hook.questions}
        mine = {code: value for code, value in answers.items() if code in codes}
        if mine:
            found += hook.record(session, client_id, mine, source=source, actor=actor, now=now)
    return found
