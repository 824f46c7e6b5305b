"""Field types for what every capability takes in: record ids, instants and days in the range
Confide supports, and text a person typed. (Vocabulary codes are in vocab/fields.py.) Each
refuses bad input with a PydanticCustomError naming what is allowed, so no odd value reaches
a query or date arithmetic: a year-9999 start would overflow, an id past 2^63 - 1 is more
than SQLite can bind."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StringConstraints,
    TypeAdapter,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from confide.errors import InvalidInput

# Row ids are the database's integer keys.
MAX_ID = 2_147_483_647
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_ASCII_DIGITS = re.compile(r"[0-9]+")
# Invisible characters that reorder text as displayed: a name could show one thing and be another.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
T = TypeVar("T")


def _ascii_id(value: Any) -> Any:
    # "٣" and "²" count as digits to str.isdigit(); an id is written in ASCII digits only
    if isinstance(value, str):
        text = value.strip()
        if not _ASCII_DIGITS.fullmatch(text):
            raise PydanticCustomError(
                "invalid_id", "an id is a whole number written with the digits 0-9"
            )
        if len(text) > len(str(MAX_ID)):
            raise _id_out_of_range()
        return int(text)
    return value


def _id_out_of_range() -> PydanticCustomError:
    return PydanticCustomError(
        "id_out_of_range", "an id is between 1 and {max_id}", {"max_id": MAX_ID}
    )


def _id_in_range(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise _id_out_of_range()
    return value


def _instant_in_range(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise PydanticCustomError(
            "instant_out_of_range",
            "use a time from {earliest} up to {latest}",
            {"earliest": EARLIEST.date().isoformat(), "latest": LATEST.date().isoformat()},
        )
    return value


def _day_in_range(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise PydanticCustomError(
            "day_out_of_range",
            "use a day from {earliest} up to {latest}",
            {"earliest": EARLIEST.date().isoformat(), "latest": LATEST.date().isoformat()},
        )
    return value


def _plain_text(value: str) -> str:
    for character in value:
        if character in BIDI_CONTROLS or unicodedata.category(character) == "Cc":
            raise PydanticCustomError(
                "invisible_character",
                # pydantic fills in {code} as given: no format specs in its templates
                "remove the invisible character U+{code}: control and text-direction "
                "characters are not allowed",
                {"code": f"{ord(character):04X}"},
            )
    return value


RecordId = Annotated[
    int,
    BeforeValidator(_ascii_id),
    AfterValidator(_id_in_range),
    Field(json_schema_extra={"minimum": 1, "maximum": MAX_ID}),
]
Instant = Annotated[AwareDatetime, AfterValidator(_instant_in_range)]
Day = Annotated[date, AfterValidator(_day_in_range)]
# One line a person typed: no control characters (NUL included) and no direction overrides.
# (its pattern, for the OpenAPI schema, is the same rule: no Cc character, no direction control)
PLAIN_TEXT_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"
PlainText = Annotated[
    str, AfterValidator(_plain_text), Field(json_schema_extra={"pattern": PLAIN_TEXT_PATTERN})
]
PersonName = Annotated[PlainText, Field(min_length=1, max_length=120)]


def _written_text(value: str) -> str:
    _plain_text(value.translate(_LINE_BREAKS))
    return value


_LINE_BREAKS = str.maketrans("\n\r\t", "   ")


# What a person wrote in their own words (a text area), 1 to 2000 characters: line breaks and
# tabs are allowed, other control characters and direction overrides are not. (The length comes
# before the validator, so pydantic words its refusal for text: "at most 2000 characters".)
MAX_WRITTEN_TEXT = 2000
WRITTEN_TEXT_PATTERN = (
    r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f"
    r"\u202a-\u202e\u2066-\u2069]*$"
)
WrittenText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_WRITTEN_TEXT),
    AfterValidator(_written_text),
    Field(json_schema_extra={"pattern": WRITTEN_TEXT_PATTERN}),
]


def parse_field(kind: Any, value: object, field: str) -> Any:
    """Read `value` as `kind` outside a request model (a page's own form or query text);
    InvalidInput names `field` and says what is allowed."""
    try:
        return TypeAdapter(kind).validate_python(value)
    except PydanticValidationError as error:
        raise InvalidInput(field, error.errors()[0]["msg"]) from None
