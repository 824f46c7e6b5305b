"""Pydantic field types that accept only codes from the vocabulary, and say which are allowed."""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from confide.vocab.registry import POPULATIONS, Vocabulary, get_vocabulary


def unknown_code(kind: str, value: object, allowed: Collection[str]) -> PydanticCustomError:
    return PydanticCustomError(
        "unknown_code",
        "{value} is not a known {kind}; allowed: {allowed_text}",
        {
            "kind": kind,
            "value": repr(value),
            "allowed": sorted(allowed),
            "allowed_text": ", ".join(sorted(allowed)),
        },
    )


def _code(kind: str, allowed: Callable[[Vocabulary], Collection[str]]) -> AfterValidator:
    def check(value: str) -> str:
        options = allowed(get_vocabulary())
        if value not in options:
            raise unknown_code(kind, value, options)
        return value

    return AfterValidator(check)


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _check_time_zone(value: str) -> str:
    if value not in _time_zones():
        raise PydanticCustomError(
            "unknown_time_zone",
            "{value} is not an IANA time zone name (for example America/New_York)",
            {"value": repr(value)},
        )
    return value


StateCode = Annotated[str, BeforeValidator(_upper), _code("state", lambda v: v.states)]
ConcernCode = Annotated[str, _code("concern", lambda v: v.concerns)]
ModalityCode = Annotated[str, _code("modality", lambda v: v.modalities)]
LanguageCode = Annotated[str, _code("language", lambda v: v.languages)]
IdentityCode = Annotated[str, _code("identity", lambda v: v.identities)]
FaithCode = Annotated[str, _code("faith", lambda v: v.faiths)]
PayerCode = Annotated[str, _code("payer", lambda v: v.payers)]
PlanCode = Annotated[str, _code("plan", lambda v: v.plans)]
SessionTypeCode = Annotated[str, _code("session type", lambda v: v.session_types)]
PopulationCode = Annotated[str, _code("population", lambda _: POPULATIONS)]
GenderCode = Annotated[str, _code("gender", lambda v: v.genders)]
TimeZoneName = Annotated[str, AfterValidator(_check_time_zone)]
