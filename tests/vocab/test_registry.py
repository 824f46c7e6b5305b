"""Genders and licence types come from the data files, and the tables agree with them."""

from __future__ import annotations

import re

from sqlalchemy import CheckConstraint

from confide.models import Therapist, TherapistPopulation
from confide.network.workforce import licence_kinds
from confide.vocab import get_vocabulary
from confide.vocab.registry import POPULATIONS


def _allowed_by(table: type, name: str) -> list[str]:
    (check,) = [
        c
        for c in table.__table__.constraints  # type: ignore[attr-defined]
        if isinstance(c, CheckConstraint) and c.name is not None and c.name.endswith(name)
    ]
    return re.findall(r"'([^']+)'", str(check.sqltext))


def test_the_database_accepts_exactly_the_vocabularys_genders_and_populations() -> None:
    # a code added to a data file needs a migration widening the check as well
    assert _allowed_by(Therapist, "gender") == list(get_vocabulary().genders)
    assert _allowed_by(TherapistPopulation, "population") == list(POPULATIONS)


def test_genders_are_listed_with_label_pronouns_and_share() -> None:
    genders = get_vocabulary().genders
    assert list(genders) == ["woman", "man", "nonbinary"]
    assert genders["nonbinary"].pronouns == "they/them"
    assert all(g.label for g in genders.values())
    assert abs(sum(g.share for g in genders.values()) - 1.0) < 1e-9


def test_every_licence_type_can_be_generated_and_numbered() -> None:
    vocab = get_vocabulary()
    kinds = licence_kinds(vocab)
    counsellors = {t.code for t in vocab.licence_types.values() if t.counsellor}
    # the counsellor titles are drawn as one kind; the practice state picks the title
    assert {k.code for k in kinds} | counsellors == set(vocab.licence_types)
    assert sum(k.counsellor for k in kinds) == 1
    assert {s.counsellor_licence for s in vocab.states.values()} <= counsellors
    assert all(t.licence_number_prefix for t in vocab.licence_types.values())
    for licence in vocab.licence_types.values():
        if licence.credentials:
            assert abs(sum(licence.credentials.values()) - 1.0) < 1e-9
