"""The danger rules: phrase patterns with the context that vetoes each, kept as data
(data/danger_rules.toml) and compiled here once. They read the text as danger_prepare.py gives it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

Signal = Literal["partner_violence", "self_harm"]
SIGNALS: tuple[Signal, ...] = ("partner_violence", "self_harm")


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    # The text just before a match (ending where it starts) that vetoes it, searched with $.
    not_before: re.Pattern[str] | None = None
    # The text just after a match, matched from where it ends.
    not_after: re.Pattern[str] | None = None
    # Searched in the match itself: an idiom the rule's words also make ("hits the bottle").
    unless: re.Pattern[str] | None = None
    # Must also be somewhere in the text: words that are ambiguous alone ("hurt me badly")
    # signal with what settles them ("the ER").
    also: re.Pattern[str] | None = None
    # Must not be anywhere in the text: an agreement between partners ("we agreed to share
    # passwords for a while") is trust repair, not control.
    not_if: re.Pattern[str] | None = None


def _rule(
    pattern: str,
    not_before: str | None = None,
    not_after: str | None = None,
    unless: str | None = None,
    also: str | None = None,
    not_if: str | None = None,
) -> Rule:
    return Rule(
        # whole words: starts with a space (a literal first character lets the regex engine
        # skip to each space), ends before one or just after one
        re.compile(r" (?:" + _expand(pattern) + r")(?:(?= )|(?<= ))"),
        re.compile(_expand(not_before) + r" $") if not_before else None,
        re.compile(r" (?:" + _expand(not_after) + r")\b") if not_after else None,
        re.compile(_expand(unless)) if unless else None,
        re.compile(r" (?:" + _expand(also) + r")(?= )") if also else None,
        re.compile(r" (?:" + _expand(not_if) + r")(?= )") if not_if else None,
    )


def matches(rules: Iterable[Rule], prepared: str) -> bool:
    for rule in rules:
        for found in rule.pattern.finditer(prepared):
            before = prepared[: found.start() + 1]
            if rule.not_before is not None and rule.not_before.search(before):
                continue
            if rule.unless is not None and rule.unless.search(found.group(0)):
                continue
            if rule.also is not None and not rule.also.search(prepared):
                continue
            if rule.not_if is not None and rule.not_if.search(prepared):
                continue
            after = found.end() - 1 if prepared[found.end() - 1] == " " else found.end()
            if rule.not_after is not None and rule.not_after.match(prepared, after):
                continue
            return True
    return False


# Building blocks, written {NAME} in the rules.
@cache
def _blocks() -> dict[str, str]:
    # up to N other words: {W1} {W2} {W3} {W4}
    blocks = {f"W{n}": rf"(?:[a-z0-9]+ ){{0,{n}}}?" for n in range(1, 9)}
    named = _data()["blocks"]
    assert isinstance(named, dict)
    blocks.update(named)
    return blocks


def _expand(pattern: str) -> str:
    blocks = _blocks()
    for _ in range(3):  # blocks name blocks
        pattern = re.sub(r"\{([A-Z]+\d?)\}", lambda m: blocks[m.group(1)], pattern)
    return pattern


@cache
def _data() -> dict[str, dict[str, str] | list[dict[str, str]]]:
    raw = resources.files("confide.screening").joinpath("data", "danger_rules.toml")
    return tomllib.loads(raw.read_text("utf-8"))


@cache
def rules() -> dict[Signal, tuple[Rule, ...]]:
    """The compiled rules of each signal."""
    data = _data()
    compiled: dict[Signal, tuple[Rule, ...]] = {}
    for signal in SIGNALS:
        rows = data[signal]
        assert isinstance(rows, list)
        compiled[signal] = tuple(_rule(**row) for row in rows)
    return compiled


def rule_words() -> Iterable[str]:
    """Every whole word the rules name (what misspellings are corrected to)."""
    for signal_rules in rules().values():
        for rule in signal_rules:
            for pattern in (rule.pattern, rule.not_before, rule.not_after):
                if pattern is not None:
                    yield from _words_of(pattern.pattern)


def _words_of(source: str) -> Iterable[str]:
    # letters not preceded by a backslash (\w, \b) and standing as a whole alternative or word
    return re.findall(r"(?<![\\a-z])([a-z]{4,})(?![a-z])", source)
