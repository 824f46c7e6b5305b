"""A scored screening as FHIR R4 resources, as plain dicts (pure: stdlib only).

The QuestionnaireResponse holds each answer as a valueCoding (LOINC answer codes where the
answers have them, else Confide's own code system per item) and the total as a valueInteger;
the Observation holds the total under the instrument's LOINC code. Both are checked against
fhir.resources' R4B models in tests/screening/test_fhir.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from confide.screening.instruments import BAND_LABELS, Instrument, Score

LOINC = "http://loinc.org"
# LOINC answer codes for the answer lists that have them (PHQ and GAD frequencies, yes/no)
LOINC_ANSWERS = {
    "Not at all": "LA6568-5",
    "Several days": "LA6569-3",
    "More than half the days": "LA6570-1",
    "Nearly every day": "LA6571-9",
    "No": "LA32-8",
    "Yes": "LA33-6",
}
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def loinc_check_digit(digits: str) -> int:
    """LOINC's mod 10 check digit (Luhn) over the digits before the hyphen."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character)
        if position % 2 == 0:  # the rightmost digit, and every second one leftwards, doubled
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return (10 - total % 10) % 10


def loinc_is_valid(code: str) -> bool:
    """Whether `code` is digits, a hyphen, and the right check digit."""
    body, hyphen, check = code.partition("-")
    if not (hyphen and body.isascii() and body.isdigit() and check.isascii() and check.isdigit()):
        return False
    return len(check) == 1 and loinc_check_digit(body) == int(check)


def questionnaire_url(found: Instrument) -> str:
    """The questionnaire answered: LOINC's form where there is a panel code, else ours."""
    if found.loinc_panel is not None:
        return f"{LOINC}/q/{found.loinc_panel}"
    return f"urn:confide:questionnaire:{found.code}"


def _answer(found: Instrument, index: int, value: int) -> dict[str, Any]:
    item = found.items[index]
    label = next(o.label for o in item.options if o.value == value)
    loinc = LOINC_ANSWERS.get(label)
    coding = (
        {"system": LOINC, "code": loinc, "display": label}
        if loinc is not None
        else {"system": f"urn:confide:answers:{item.code}", "code": str(value), "display": label}
    )
    return {"linkId": item.code, "text": item.text, "answer": [{"valueCoding": coding}]}


def _subject(client_id: int | None) -> dict[str, Any]:
    return {} if client_id is None else {"subject": {"reference": f"Patient/{client_id}"}}


def questionnaire_response(
    found: Instrument,
    answers: Sequence[int],
    result: Score,
    authored: datetime,
    client_id: int | None = None,
) -> dict[str, Any]:
    """The answers given, and the total, as a completed QuestionnaireResponse."""
    items = [_answer(found, n, value) for n, value in enumerate(answers)]
    items.append(
        {
            "linkId": f"{found.code}_total",
            "text": f"{found.title} total score",
            "answer": [{"valueInteger": result.total}],
        }
    )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url(found),
        "status": "completed",
        **_subject(client_id),
        "authored": authored.isoformat(),
        "item": items,
    }


def observation(
    found: Instrument, result: Score, effective: datetime, client_id: int | None = None
) -> dict[str, Any]:
    """The total as a final survey Observation under the instrument's LOINC total code."""
    code: dict[str, Any] = {"text": f"{found.title} total score"}
    if found.loinc_total is not None:
        code["coding"] = [
            {"system": LOINC, "code": found.loinc_total, "display": f"{found.title} total score"}
        ]
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": code,
        **_subject(client_id),
        "effectiveDateTime": effective.isoformat(),
        "valueInteger": result.total,
        "interpretation": [{"text": BAND_LABELS[result.band]}],
    }
