"""Intake drafts (kept per browser, encrypted, for a week; then the account's) and the use cases
of each step: what is saved, what the feeling step asks, and the match intake made from it all."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from confide.accounts.credentials import digest, new_secret
from confide.audit import Actor
from confide.intake import questions, steps
from confide.intake.questions import Item
from confide.intake.schemas import NO_LIMIT, IntakeAnswers
from confide.matching.schemas import (
    InsurancePayment,
    MatchIntake,
    Preferences,
    Safety,
    SelfPayPayment,
)
from confide.models import Client, IntakeDraft, User
from confide.screening import service as screening
from confide.vocab import get_vocabulary

logger = logging.getLogger("confide.intake")
LIFETIME = timedelta(days=7)
# A draft is claimed at sign-in only while it is fresh: on a shared device, someone else
# signing in later on the same browser must not take over another person's answers.
CLAIM_WITHIN = timedelta(hours=1)


# --- drafts -------------------------------------------------------------------------------


def _live(session: Session, browser_key: str | None, now: datetime) -> IntakeDraft | None:
    if not browser_key or len(browser_key) > 200:
        return None
    draft = session.scalars(
        select(IntakeDraft).where(IntakeDraft.key_hash == digest(browser_key))
    ).one_or_none()
    if draft is None or draft.expires_at <= now:
        return None
    return draft


def find_draft(
    session: Session, browser_key: str | None, user_id: int | None, now: datetime
) -> IntakeDraft | None:
    """This browser's live draft; once claimed, only while its owner is signed in here."""
    draft = _live(session, browser_key, now)
    if draft is None or (draft.user_id is not None and draft.user_id != user_id):
        return None
    return draft


def load_answers(
    session: Session, browser_key: str | None, user_id: int | None, now: datetime
) -> IntakeAnswers:
    """The answers kept for this browser, or a fresh set."""
    draft = find_draft(session, browser_key, user_id, now)
    return IntakeAnswers.model_validate(draft.answers) if draft else IntakeAnswers()


def save_answers(
    session: Session,
    browser_key: str | None,
    answers: IntakeAnswers,
    now: datetime,
    user: User | None = None,
) -> str | None:
    """Keep the answers (for another week); returns a new browser key when a draft was begun."""
    draft = find_draft(session, browser_key, user.id if user else None, now)
    fresh = None
    if draft is None:
        purge_expired(session, now)  # drafts past their week go as new ones begin
        fresh = new_secret()
        draft = IntakeDraft(key_hash=digest(fresh), created_at=now, answers={})
        session.add(draft)
    draft.answers = answers.model_dump(mode="json")
    draft.updated_at = now
    draft.expires_at = now + LIFETIME
    session.flush()
    if user is not None:
        claim(session, draft, user, now)
    return fresh


def claim_draft(
    session: Session, browser_key: str | None, user: User, now: datetime
) -> IntakeDraft | None:
    """At sign-in: this browser's draft becomes the account's, and, for a client, its screening
    and safety answers go on the client's record."""
    draft = find_draft(session, browser_key, user.id, now)
    if draft is None or (draft.user_id is None and draft.updated_at < now - CLAIM_WITHIN):
        return None
    claim(session, draft, user, now)
    return draft


def claim(session: Session, draft: IntakeDraft, user: User, now: datetime) -> None:
    draft.user_id = user.id
    client = session.scalars(select(Client).where(Client.user_id == user.id)).one_or_none()
    if client is None:
        return
    answers = IntakeAnswers.model_validate(draft.answers)
    if record_answers(session, client, answers, Actor(user.id, user.role), now):
        draft.answers = answers.model_dump(mode="json")
    session.flush()


def current_draft(
    session: Session, browser_key: str | None, user: User | None, now: datetime | None = None
) -> IntakeAnswers | None:
    """The intake of whoever is looking: this browser's draft, else the account's latest."""
    now = now or datetime.now(UTC)
    draft = find_draft(session, browser_key, user.id if user else None, now)
    if draft is None and user is not None:
        draft = session.scalars(
            select(IntakeDraft)
            .where(IntakeDraft.user_id == user.id, IntakeDraft.expires_at > now)
            .order_by(IntakeDraft.updated_at.desc(), IntakeDraft.id.desc())
            .limit(1)
        ).one_or_none()
    return IntakeAnswers.model_validate(draft.answers) if draft else None


def forget_draft(session: Session, browser_key: str | None, user_id: int | None) -> None:
    """Delete this browser's draft now (a shared device, or starting over)."""
    if browser_key:
        session.execute(
            delete(IntakeDraft).where(
                IntakeDraft.key_hash == digest(browser_key[:200]),
                (IntakeDraft.user_id.is_(None)) | (IntakeDraft.user_id == user_id),
            )
        )


def purge_expired(session: Session, now: datetime) -> int:
    """Delete drafts past their week; returns how many."""
    gone = session.execute(delete(IntakeDraft).where(IntakeDraft.expires_at <= now))
    return int(getattr(gone, "rowcount", 0) or 0)


# --- recording on the client's record ------------------------------------------------------


def record_answers(
    session: Session, client: Client, answers: IntakeAnswers, actor: Actor, now: datetime
) -> bool:
    """Write the screening and safety answers not yet written; True when something was."""
    wrote = False
    for code, given in answers.screening.items():
        # PHQ-9 and GAD-7 include the two-question checks: record the full form alone
        full = steps.EXPANDS.get(code)
        if answers.recorded.get(code) == given or (full and full in answers.screening):
            continue
        if len(given) != len(questions.INSTRUMENTS[code].items):
            continue
        screening.record_screening(session, client.id, code, given, sex=None, actor=actor, now=now)
        answers.recorded[code] = given
        wrote = True
    safety = dict(answers.safety_answers)
    if safety and answers.recorded.get("safety") != safety:
        screening.record_safety_answers(
            session, client.id, safety, source="intake", actor=actor, now=now
        )
        answers.recorded["safety"] = safety
        wrote = True
    return wrote


# --- the feeling step -----------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A group of questions on the feeling page."""

    code: str  # an instrument code, or "safety"
    title: str
    prompt: str
    items: tuple[Item, ...]
    # items shown when the short check is positive (PHQ-9 after PHQ-2): JS reveals them in place
    expansion: tuple[Item, ...] = ()
    private: bool = False


@dataclass(frozen=True)
class FeelingPage:
    stage: str  # "first" or "more"
    blocks: tuple[Block, ...]
    errors: dict[str, str] = field(default_factory=dict)

    def item_codes(self) -> list[str]:
        return [i.code for b in self.blocks for i in (*b.items, *b.expansion)]


PRIVATE_PROMPT = "Only you see these questions and your answers. We ask them to keep you safe."
SELF_HARM_PROMPT = "We ask everyone this. Your answer helps us show the right help first."


def _instrument_block(code: str) -> Block:
    instrument = questions.INSTRUMENTS[code]
    expanded = steps.EXPANDS.get(code)
    extra = questions.INSTRUMENTS[expanded].items[len(instrument.items) :] if expanded else ()
    return Block(code, instrument.title, instrument.prompt, instrument.items, tuple(extra))


def feeling_page(answers: IntakeAnswers) -> FeelingPage:
    """What the feeling step asks now: the first page, or the rest of a positive check."""
    if answers.more_to_ask:
        blocks = []
        for code in answers.more_to_ask:
            instrument = questions.INSTRUMENTS[code]
            short = next(s for s, full in steps.EXPANDS.items() if full == code)
            rest = instrument.items[len(questions.INSTRUMENTS[short].items) :]
            blocks.append(Block(code, instrument.title, instrument.prompt, tuple(rest)))
        return FeelingPage("more", tuple(blocks))
    pv_first = steps.partner_violence_first(answers.format, answers.concerns, answers.signals)
    pv_block = Block(
        "safety_pv",
        "Just for you",
        PRIVATE_PROMPT,
        tuple(questions.PARTNER_VIOLENCE_QUESTIONS),
        private=True,
    )
    sh_block = Block(
        "safety_sh", "Your safety", SELF_HARM_PROMPT, (questions.SELF_HARM_QUESTION,), private=True
    )
    first: list[Block] = []
    last: list[Block] = []
    # a signal in the person's own words brings those questions to the top; never a label
    (first if pv_first else last).append(pv_block)
    (first if "self_harm" in answers.signals else last).append(sh_block)
    middle = [_instrument_block(code) for code in steps.first_instruments(answers.concerns)]
    return FeelingPage("first", (*first, *middle, *last))


def _choice(raw: Sequence[str] | None, item: Item) -> int | str | None:
    """The value chosen for an item, None when unanswered, "bad" when not one of its options."""
    if not raw or raw[-1] == "":
        return None
    allowed: dict[str, int] = {str(o.value): int(o.value) for o in item.options}
    found = allowed.get(raw[-1].strip())
    return "bad" if found is None else found


ANSWER_ALL = "Please answer this question too, or skip this step."
NOT_AN_OPTION = "Choose one of the answers shown."


def apply_feeling(answers: IntakeAnswers, form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Take the feeling page's answers into `answers`; returns messages by item code."""
    page = feeling_page(answers)
    chosen: dict[str, int] = {}
    errors: dict[str, str] = {}
    for block in page.blocks:
        for item in (*block.items, *block.expansion):
            value = _choice(form.get(item.code), item)
            if value == "bad":
                errors[item.code] = NOT_AN_OPTION
            elif isinstance(value, int):
                chosen[item.code] = value
    for block in page.blocks:
        if block.private:
            continue
        codes = [i.code for i in block.items]
        for missing in steps.missing_items(chosen, codes):
            errors.setdefault(missing, ANSWER_ALL)
        if page.stage == "more":
            for missing in codes:
                if missing not in chosen:
                    errors.setdefault(missing, ANSWER_ALL)
    if errors:
        return errors
    more: list[str] = []
    if page.stage == "first":
        for block in page.blocks:
            if block.private:
                answers.safety_answers.update(
                    {i.code: chosen[i.code] for i in block.items if i.code in chosen}
                )
                continue
            given = [chosen[i.code] for i in block.items if i.code in chosen]
            if len(given) != len(block.items):
                continue
            answers.screening[block.code] = given
            expanded = steps.EXPANDS.get(block.code)
            if expanded is None:
                continue
            answers.screening.pop(expanded, None)
            if not questions.score(block.code, given).positive:
                continue
            rest = [chosen[i.code] for i in block.expansion if i.code in chosen]
            if len(rest) == len(block.expansion):
                answers.screening[expanded] = steps.full_answers(given, rest)
            else:
                more.append(expanded)
    else:
        for block in page.blocks:
            short = next(s for s, full in steps.EXPANDS.items() if full == block.code)
            rest = [chosen[i.code] for i in block.items]
            answers.screening[block.code] = steps.full_answers(answers.screening[short], rest)
    answers.more_to_ask = more
    _judge_safety(answers)
    return {}


def _judge_safety(answers: IntakeAnswers) -> None:
    """Raise the safety flags the answers call for; once raised they stay (a later "no" may be
    given with the partner watching), and the help is shown first on the next page."""
    self_harm = questions.self_harm_disclosed(answers.safety_answers)
    phq9 = answers.screening.get("phq9")
    if phq9 is not None and len(phq9) == len(questions.INSTRUMENTS["phq9"].items):
        self_harm = self_harm or "self_harm_risk" in questions.score("phq9", phq9).flags
    violence = questions.partner_violence_disclosed(answers.safety_answers)
    if self_harm and not answers.self_harm_risk:
        answers.self_harm_risk = True
        answers.pending_help.append("self_harm")
    if violence and not answers.partner_violence:
        answers.partner_violence = True
        answers.pending_help.append("partner_violence")


def apply_concerns(answers: IntakeAnswers, concerns: list[str], text: str) -> None:
    answers.concerns = list(dict.fromkeys(concerns))
    answers.concern_text = text
    answers.signals = list(questions.safety_signals(text)) if text else []


# --- matching -------------------------------------------------------------------------------


def plan_sold(plan: str | None, state: str | None) -> bool:
    """The plan is offered now, and sold in the state (when one is given)."""
    found = get_vocabulary().offered_plans.get(plan) if plan else None
    return found is not None and (state is None or found.sold_in(state))


def retired_plan(answers: IntakeAnswers) -> str | None:
    """The name of the plan the answers chose, if an admin has retired it since. Such answers
    are matched as self-pay (the plan is offered no more), and the person is told so."""
    found = get_vocabulary().plans.get(answers.plan) if answers.plan else None
    return found.name if found is not None and not found.offered else None


def match_intake(answers: IntakeAnswers, limit: int = 10) -> MatchIntake:
    """The matching intake the answers make (the intake must have a state)."""
    assert answers.state is not None
    vocab = get_vocabulary()
    if answers.plan and plan_sold(answers.plan, answers.state):
        payment: InsurancePayment | SelfPayPayment = InsurancePayment(
            method="insurance", payer=vocab.plans[answers.plan].payer_code, plan=answers.plan
        )
    else:
        payment = SelfPayPayment(method="self_pay", max_rate=answers.max_rate or NO_LIMIT)
    fmt = answers.care_format
    return MatchIntake.model_validate(
        {
            "state": answers.state,
            "format": fmt,
            "partner_state": answers.partner_state if fmt == "couples" else None,
            "concerns": answers.concerns,
            "concern_text": answers.concern_text or None,
            "payment": payment,
            "setting": answers.setting,
            "postal_code": answers.postal_code if answers.setting != "telehealth" else None,
            "max_distance_km": (
                answers.max_distance_km if answers.setting != "telehealth" else None
            ),
            "preferences": Preferences(
                therapist_gender=answers.therapist_gender,
                languages=answers.languages,
                modalities=answers.modalities,
                identities=answers.identities,
                faith=answers.faith,
                required=answers.required,
            ),
            "availability": answers.availability,
            "timezone": answers.timezone,
            "safety": Safety(
                self_harm_risk=answers.self_harm_risk, partner_violence=answers.partner_violence
            ),
            "limit": limit,
        }
    )


@dataclass(frozen=True)
class Loosening:
    """One hard constraint the person could relax, and how many more therapists it would show."""

    action: str
    label: str
    more: int


RELAXABLE = ("preferences", "availability", "payment", "setting")


def loosened(answers: IntakeAnswers, action: str) -> IntakeAnswers:
    """The answers with a constraint relaxed (what a "relax" button does); two joined by "+"
    relax both."""
    changed = answers.model_copy(deep=True)
    if "+" in action:
        for part in action.split("+"):
            if part in RELAXABLE:
                changed = loosened(changed, part)
        return changed
    if action == "preferences":
        changed.required = []
    elif action == "availability":
        changed.availability = []
    elif action == "payment":
        changed.plan, changed.max_rate = None, None
    elif action == "setting":
        changed.setting = "either" if answers.setting == "in_person" else answers.setting
    return changed


def loosening_label(answers: IntakeAnswers, action: str) -> str:
    if "+" in action:
        labels = [loosening_label(answers, part) for part in action.split("+")]
        return " and ".join([labels[0], *(x[0].lower() + x[1:] for x in labels[1:])])
    if action == "preferences":
        return "Make your must-haves nice-to-haves"
    if action == "availability":
        return "Look at any time of the week"
    if action == "payment":
        return "Pay for yourself" if answers.plan else "Allow any session rate"
    return "Allow online sessions too"


def constraints_in_force(answers: IntakeAnswers) -> list[str]:
    found = []
    if answers.required:
        found.append("preferences")
    if answers.availability:
        found.append("availability")
    if answers.plan or (answers.max_rate and answers.max_rate < NO_LIMIT):
        found.append("payment")
    if answers.setting == "in_person":
        found.append("setting")
    return found
