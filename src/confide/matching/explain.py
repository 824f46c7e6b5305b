"""Plain-language reasons for each therapist shown, notices, and what to relax when nothing fits.

Every reason is read off the therapist's own row in the index, so it is true for them. No reason
mentions the person's safety answers, since a shortlist may be seen by a partner; the answers only
add notices: crisis help for a risk of self-harm, and for partner violence the hotline with
individual care offered in place of couples work.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from confide.matching.index import MatchIndex
from confide.matching.schemas import InsurancePayment, MatchIntake, Notice, Relaxation
from confide.vocab import get_vocabulary

CRISIS_NOTICE = Notice(
    code="crisis_support",
    message=(
        "If you are thinking about harming yourself, help is available right now: call or text "
        "988 (Suicide & Crisis Lifeline) or chat at 988lifeline.org, or text HOME to 741741. "
        "If you are in immediate danger, call 911. Confide is not an emergency service. "
        "You can keep going with matching whenever you are ready."
    ),
)
INDIVIDUAL_CARE_NOTICE = Notice(
    code="individual_care",
    message=(
        "We are showing therapists for individual sessions, which we think is the right first "
        "step. If you ever feel unsafe with your partner, the National Domestic Violence Hotline "
        "is there 24/7: call 1-800-799-7233 or text START to 88788. In immediate danger, "
        "call 911. Confide is not an emergency service."
    ),
)
COUPLES_COVERAGE_NOTICE = Notice(
    code="couples_coverage",
    message=(
        "Insurance plans often do not pay for couples sessions, especially when neither partner "
        "has a diagnosis. We show each therapist's network status and their self-pay couples "
        "rate; only your insurer can tell you what your plan will pay."
    ),
)


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _dollars(cents: int) -> str:
    return f"${cents / 100:,.0f}" if cents % 100 == 0 else f"${cents / 100:,.2f}"


def opening_text(start: datetime, zone_name: str) -> str:
    local = start.astimezone(ZoneInfo(zone_name))
    hour = local.hour % 12 or 12
    return (
        f"First opening {local:%a} {local.day} {local:%b}, {hour}:{local:%M} "
        f"{'am' if local.hour < 12 else 'pm'} your time"
    )


def reasons(
    index: MatchIndex,
    row: int,
    intake: MatchIntake,
    session_type: int,
    first_opening: datetime,
    distance_km: float | None,
    format: str,
    office_city: str | None = None,
    concerns_used: list[str] | None = None,
) -> list[str]:
    wanted = intake.concerns if concerns_used is None else concerns_used
    return [
        _licensed_in(index, row, intake, format),
        _cost(index, row, intake, session_type, format),
        *_concerns(index, row, wanted, format),
        *_preferences(index, row, intake),
        *_setting(index, row, intake, distance_km, office_city),
        opening_text(first_opening, intake.zone),
    ]


def _licensed_in(index: MatchIndex, row: int, intake: MatchIntake, format: str) -> str:
    vocab = get_vocabulary()
    bits = int(index.cols.licence_bits[row])
    licensed = [
        s
        for s in dict.fromkeys(
            [intake.state]
            + ([intake.partner_state] if format == "couples" and intake.partner_state else [])
        )
        if bits >> index.codes.of("states", s) & 1
    ]
    return "Licensed in " + _join([vocab.states[s].name for s in licensed])


def _cost(index: MatchIndex, row: int, intake: MatchIntake, session_type: int, format: str) -> str:
    """The network they are on, or what the first session costs self-pay."""
    payment = intake.payment
    rate = int(index.cols.rate_cents[session_type][row])
    sliding = int(index.cols.sliding_cents[session_type][row])
    if isinstance(payment, InsurancePayment):
        plan = get_vocabulary().plans[payment.plan]
        if format == "couples":
            return (
                f"On the {plan.name} network; couples sessions are often not covered, "
                f"self-pay couples first session {_dollars(rate)}"
            )
        return f"In network: {plan.name}"
    if sliding and rate > round(payment.max_rate * 100):
        return f"Sliding scale from {_dollars(sliding)} (standard rate {_dollars(rate)})"
    return f"First session {_dollars(rate)} self-pay"


def _concerns(index: MatchIndex, row: int, wanted: list[str], format: str) -> list[str]:
    """The person's concerns the therapist specialises in or works with; couples training
    where the session or a concern is about the relationship."""
    vocab = get_vocabulary()
    codes, cols = index.codes, index.cols
    strength = {c: int(cols.concern[codes.of("concerns", c), row]) for c in wanted}
    primary = [vocab.concerns[c].label.lower() for c in wanted if strength[c] == 2]
    secondary = [vocab.concerns[c].label.lower() for c in wanted if strength[c] == 1]
    out = []
    if primary:
        out.append("Specialises in " + _join(primary))
    if secondary:
        out.append("Works with " + _join(secondary))
    modalities = int(cols.modalities[row])
    couples_trained = [
        m.label
        for m in vocab.modalities.values()
        if m.couples and modalities >> codes.of("modalities", m.code) & 1
    ]
    if couples_trained and (
        format == "couples" or any(vocab.concerns[c].relationship for c in wanted)
    ):
        out.append("Trained in couples work: " + _join(couples_trained[:2]))
    return out


def _preferences(index: MatchIndex, row: int, intake: MatchIntake) -> list[str]:
    """Each preference the therapist meets: languages, methods, identities, gender, faith."""
    vocab = get_vocabulary()
    codes, cols = index.codes, index.cols
    prefs = intake.preferences
    out = []
    spoken = [
        vocab.languages[c].name
        for c in prefs.languages
        if int(cols.languages[row]) >> codes.of("languages", c) & 1
    ]
    if spoken:
        out.append("Speaks " + _join(spoken))
    used = [
        vocab.modalities[c].label
        for c in prefs.modalities
        if int(cols.modalities[row]) >> codes.of("modalities", c) & 1
    ]
    if used:
        out.append("Offers " + _join(used))
    out.extend(
        vocab.identities[c].label
        for c in prefs.identities
        if int(cols.identities[row]) >> codes.of("identities", c) & 1
    )
    if prefs.therapist_gender is not None and int(cols.gender[row]) == codes.of(
        "genders", prefs.therapist_gender
    ):
        out.append(f"Therapist's gender: {prefs.therapist_gender}")
    if prefs.faith is not None and int(cols.faith[row]) == codes.of("faiths", prefs.faith):
        out.append(f"Can bring a {vocab.faiths[prefs.faith].label} perspective into care")
    return out


def _setting(
    index: MatchIndex,
    row: int,
    intake: MatchIntake,
    distance_km: float | None,
    office_city: str | None,
) -> list[str]:
    """Where sessions happen: the office and its distance, or telehealth."""
    telehealth = bool(index.cols.telehealth[row])
    if (
        distance_km is not None
        and not np.isnan(distance_km)
        and (intake.setting == "in_person" or not telehealth)
    ):
        place = f" in {office_city}" if office_city else ""
        return [f"Office{place}, {distance_km:.0f} km from you"]
    if telehealth and intake.setting != "in_person":
        return ["Offers telehealth sessions"]
    return []


def notices(intake: MatchIntake, format: str) -> list[Notice]:
    found: list[Notice] = []
    if intake.safety.self_harm_risk:
        found.append(CRISIS_NOTICE)
    if intake.safety.partner_violence:
        found.append(INDIVIDUAL_CARE_NOTICE)
    if format == "couples" and isinstance(intake.payment, InsurancePayment):
        found.append(COUPLES_COVERAGE_NOTICE)
    return found


def relaxations(intake: MatchIntake, counts: dict[str, int]) -> list[Relaxation]:
    vocab = get_vocabulary()
    payment = intake.payment
    texts = {
        "payment": (
            f"Consider self-pay instead of {vocab.plans[payment.plan].name}"
            if isinstance(payment, InsurancePayment)
            else f"Allow rates above ${payment.max_rate:,.0f}, or ask about a sliding scale"
        ),
        "setting": (
            "Allow telehealth or a longer distance"
            if intake.setting != "telehealth"
            else "Allow in-person sessions"
        ),
        "preferences": "Make these preferences optional: " + ", ".join(intake.preferences.required),
        "availability": "Add more times when you are free",
    }
    found = [
        Relaxation(
            constraint=name,
            suggestion="; and ".join(texts[part] for part in name.split("+")),
            would_match=count,
        )
        for name, count in counts.items()
        if count > 0
    ]
    return sorted(found, key=lambda r: -r.would_match)


def nothing_matches(
    relax: list[Relaxation], excluded: dict[str, int], total: int, intake: MatchIntake, format: str
) -> Notice:
    if excluded.get("licence", 0) == total:
        vocab = get_vocabulary()
        states = [intake.state] + (
            [intake.partner_state]
            if format == "couples" and intake.partner_state not in (None, intake.state)
            else []
        )
        where = " and ".join(vocab.states[s].name for s in states if s)
        return Notice(
            code="no_matches",
            message=(
                f"No therapist in the network is licensed in {where} yet"
                + (
                    ", which a couples session needs. Individual sessions may be possible."
                    if len(states) > 1
                    else "."
                )
            ),
        )
    if relax:
        best = relax[0]
        return Notice(
            code="no_matches",
            message=(
                f"No therapist meets everything you asked for yet. {best.suggestion}: "
                f"{best.would_match} therapists would match."
            ),
        )
    return Notice(
        code="no_matches",
        message=(
            "No therapist licensed where you are can take a new client with these choices right "
            "now. Please check back soon: openings change every day."
        ),
    )
