"""LOINC check digits, and the FHIR shapes read back by fhir.resources' R4B models."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from confide.screening.fhir import (
    LOINC_ANSWERS,
    loinc_check_digit,
    loinc_is_valid,
    observation,
    questionnaire_response,
)
from confide.screening.instruments import INSTRUMENTS, score

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
# DESIGN §2 and the brief: each instrument's total (and panel) codes
PUBLISHED = {
    "phq9": ("44249-1", "44261-6"),
    "gad7": ("69737-5", "70274-6"),
    "pc_ptsd5": (None, "102017-1"),
    "audit_c": (None, "75626-2"),
    "phq2": (None, "55758-7"),
    "gad2": (None, "70272-0"),
}


def test_the_check_digit_follows_loincs_worked_example() -> None:
    # LOINC's own example: 12345 -> 5 (odd positions from the right doubled: Luhn)
    assert loinc_check_digit("12345") == 5


@pytest.mark.parametrize(
    "code",
    ["44261-6", "44249-1", "70274-6", "69737-5", "102017-1", "75626-2", "55758-7", "70272-0"],
)
def test_every_loinc_code_we_use_has_the_right_check_digit(code: str) -> None:
    assert loinc_is_valid(code)
    body, _, check = code.partition("-")
    wrong = f"{body}-{(int(check) + 1) % 10}"
    assert not loinc_is_valid(wrong)


@pytest.mark.parametrize("code", ["44261", "44261-", "4426a-6", "44261-66", "-6", "٤٤٢٦١-6"])
def test_malformed_codes_are_not_valid(code: str) -> None:
    assert not loinc_is_valid(code)


def test_the_instruments_carry_the_published_codes_all_valid() -> None:
    assert {c: (i.loinc_panel, i.loinc_total) for c, i in INSTRUMENTS.items()} == PUBLISHED
    for panel, total in PUBLISHED.values():
        assert total is not None
        assert loinc_is_valid(total)
        assert panel is None or loinc_is_valid(panel)
    for answer in LOINC_ANSWERS.values():
        assert answer.startswith("LA")


@pytest.mark.parametrize(
    ("code", "answers"),
    [
        ("phq9", [1, 2, 3, 0, 1, 2, 3, 0, 1]),
        ("phq2", [2, 1]),
        ("gad7", [3, 3, 3, 0, 0, 0, 1]),
        ("gad2", [0, 0]),
        ("pc_ptsd5", [1, 0, 1, 1, 0]),
        ("audit_c", [4, 2, 1]),
    ],
)
def test_the_resources_are_valid_r4(code: str, answers: list[int]) -> None:
    found = INSTRUMENTS[code]
    result = score(code, answers, "male" if code == "audit_c" else None)
    response = questionnaire_response(found, answers, result, NOW, client_id=7)
    total = observation(found, result, NOW, client_id=7)
    parsed = QuestionnaireResponse.model_validate(response)
    assert parsed.status == "completed"
    assert parsed.subject.reference == "Patient/7"
    items = parsed.item
    assert [i.linkId for i in items] == [i.code for i in found.items] + [f"{code}_total"]
    for item, asked, value in zip(items, found.items, answers, strict=False):
        coding = item.answer[0].valueCoding
        option = next(o for o in asked.options if o.value == value)
        assert coding.display == option.label
    assert items[-1].answer[0].valueInteger == sum(answers)
    read = Observation.model_validate(total)
    assert read.status == "final"
    assert read.valueInteger == sum(answers)
    assert read.code.coding[0].system == "http://loinc.org"
    assert read.code.coding[0].code == found.loinc_total
    assert read.category[0].coding[0].code == "survey"


def test_phq_answers_use_loinc_answer_codes_and_audit_c_our_own() -> None:
    phq = INSTRUMENTS["phq2"]
    response = questionnaire_response(phq, [0, 3], score("phq2", [0, 3]), NOW)
    codings = [i["answer"][0]["valueCoding"] for i in response["item"][:2]]
    assert [(c["system"], c["code"]) for c in codings] == [
        ("http://loinc.org", "LA6568-5"),
        ("http://loinc.org", "LA6571-9"),
    ]
    assert "subject" not in response  # scored without storing: nobody named
    audit_c = INSTRUMENTS["audit_c"]
    coded = questionnaire_response(audit_c, [4, 0, 0], score("audit_c", [4, 0, 0]), NOW)
    first = coded["item"][0]["answer"][0]["valueCoding"]
    assert first == {
        "system": "urn:confide:answers:audit_c_1",
        "code": "4",
        "display": "4 or more times a week",
    }
    assert response["questionnaire"] == "urn:confide:questionnaire:phq2"
    phq9 = INSTRUMENTS["phq9"]
    full = questionnaire_response(phq9, [0] * 9, score("phq9", [0] * 9), NOW)
    assert full["questionnaire"] == "http://loinc.org/q/44249-1"
