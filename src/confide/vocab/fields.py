"""The one way request models refuse input: fields that accept only known codes, and rules across
fields, both raising errors that name the field and list what is allowed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from confide.vocab.registry import FORMATS, POPULATIONS, SETTINGS, Vocabulary, get_vocabulary

# Where FastAPI says a value came from; not part of a field's name.
_SOURCES = ("body", "query", "path", "header", "cookie", "form")


def _code_error(
    error_type: str, template: str, kind: str, value: object, allowed: Collection[str]
) -> PydanticCustomError:
    return PydanticCustomError(
        error_type,
        template,
        {
            "kind": kind,
            "value": repr(value),
            "allowed": sorted(allowed),
            "allowed_text": ", ".join(sorted(allowed)),
        },
    )


def unknown_code(kind: str, value: object, allowed: Collection[str]) -> PydanticCustomError:
    template = "{value} is not a known {kind}; allowed: {allowed_text}"
    return _code_error("unknown_code", template, kind, value, allowed)


def retired_code(kind: str, value: object, allowed: Collection[str]) -> PydanticCustomError:
    """A code still known (rows name it) but offered no more: a retired plan."""
    return _code_error(
        "retired_code",
        "{value} is a retired {kind}, offered no more; allowed: {allowed_text}",
        kind,
        value,
        allowed,
    )


def invalid(
    field: str, message: str, allowed: Sequence[object] | None = None
) -> PydanticCustomError:
    """A rule across fields is broken; `field` (relative to the model raising it) is the one to
    change, and `allowed` what it may be."""
    context: dict[str, Any] = {"field": field}
    if allowed is not None:
        context["allowed"] = list(allowed)
    # the message goes in last, as final text: braces in what a person typed stay as typed
    return PydanticCustomError("invalid_input", "{message}", {**context, "message": message})


def check_plan_of_payer(payer: str, plan: str, field: str) -> None:
    """The plan must be one of the payer's; the error lists the payer's plans offered now."""
    vocab = get_vocabulary()
    if vocab.plans[plan].payer_code != payer:
        allowed = [p.code for p in vocab.payers[payer].offered_plans]
        raise invalid(field, f"plan {plan!r} is not a {payer} plan", allowed)


def check_plan_sold_in(payer: str, plan: str, state: str, field: str) -> None:
    """The plan must be sold in the state; the error lists the payer's plans sold there."""
    vocab = get_vocabulary()
    if not vocab.plans[plan].sold_in(state):
        allowed = [p.code for p in vocab.payers[payer].plans_in(state)]
        raise invalid(field, f"plan {plan!r} is not sold in {state}", allowed)


def error_field(loc: Sequence[str | int], context: Mapping[str, Any] | None) -> str:
    """A validation error's field as a dotted path: its location, plus the field a rule names."""
    parts = [str(p) for p in loc if p not in _SOURCES]
    if context and "field" in context:
        parts.extend(str(context["field"]).split("."))
    return ".".join(parts) if parts else ".".join(str(p) for p in loc)


@dataclass(frozen=True, slots=True)
class _Enum:
    """The values a field accepts, as its enum in the OpenAPI schema (read when it is made)."""

    values: Callable[[], Collection[str]]

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["enum"] = sorted(self.values())
        return json_schema


@dataclass(frozen=True, slots=True)
class _Code:
    """A field of one vocabulary's codes: refused with the codes listed, and in the OpenAPI
    schema as an enum of them (read when the schema is made, as the check reads them)."""

    kind: str
    allowed: Callable[[Vocabulary], Collection[str]]
    # every code still known, accepted or not (a retired plan): refused with its own message
    known: Callable[[Vocabulary], Collection[str]] | None = None

    def check(self, value: str) -> str:
        vocab = get_vocabulary()
        options = self.allowed(vocab)
        if value not in options:
            if self.known is not None and value in self.known(vocab):
                raise retired_code(self.kind, value, options)
            raise unknown_code(self.kind, value, options)
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["enum"] = sorted(self.allowed(get_vocabulary()))
        return json_schema


def _code(
    kind: str,
    allowed: Callable[[Vocabulary], Collection[str]],
    known: Callable[[Vocabulary], Collection[str]] | None = None,
) -> _Code:
    return _Code(kind, allowed, known)


def one_of(kind: str, values: Sequence[str]) -> _Code:
    """A check that the value is one of a fixed list (name it in an Annotated type); the list
    is the field's enum in the OpenAPI schema."""
    return _code(kind, lambda _: values)


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
# a plan offered now; a retired one is refused as such (the rows already naming it keep it)
PlanCode = Annotated[str, _code("plan", lambda v: v.offered_plans, lambda v: v.plans)]
SessionTypeCode = Annotated[str, _code("session type", lambda v: v.session_types)]
PopulationCode = Annotated[str, one_of("population", POPULATIONS)]
GenderCode = Annotated[str, _code("gender", lambda v: v.genders)]
FormatCode = Annotated[str, one_of("format", FORMATS)]
SettingCode = Annotated[str, one_of("setting", SETTINGS)]
TimeZoneName = Annotated[str, AfterValidator(_check_time_zone), _Enum(_time_zones)]
