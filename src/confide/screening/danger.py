"""Signs of partner violence or self-harm in what a person wrote in their own words.

A signal never decides anything alone and is never shown to the person: the intake uses it only
to bring the private partner-violence or self-harm questions forward. A missed sign costs far more
than one extra private question, so the reading leans towards asking; it stays quiet on ordinary
relationship distress ("we fight about money", "this is killing me", "she checks her phone").

Two readers:
- hand-written rules (danger_rules.py over data/danger_rules.toml), on the text as
  danger_prepare.py spells it out and corrects it. A denied act still signals ("he has never hit
  me"): people often play down what happens, and the question is private. A general denial beside
  the real trouble ("he's not violent, he just goes quiet for days", "not suicidal, just sad") is
  put aside before either reader sees it; whatever else the text says is read as written.
- a learned reader (danger_learned.py): small classifiers over sentence embeddings, words and the
  rules' verdict, trained on our phrases, for wordings no rule names. It gives a signal on its
  own, and keeps a rule's signal unless it scores the text as plainly ordinary (an idiom, a
  joke: "she'll kill me if I'm late lol"). Only with the `text` extra; without it, the rules
  alone.
"""

from __future__ import annotations

from typing import Literal

from confide.screening import danger_learned
from confide.screening.danger_prepare import prepare
from confide.screening.danger_rules import SIGNALS, Signal, matches, rules

__all__ = ["MAX_TEXT_CHARS", "SIGNALS", "Signal", "prepare", "safety_signals"]

# Longer text is read in full: danger is often said last.
MAX_TEXT_CHARS = 4_000

Method = Literal["rules+learned", "rules"]


def safety_signals(text: str) -> tuple[Signal, ...]:
    """The signals the text gives, in SIGNALS order (empty for ordinary distress)."""
    if not text.strip():
        return ()
    combined = danger_learned.combined_signals(text[:MAX_TEXT_CHARS])
    return rule_signals(text) if combined is None else combined


def rule_signals(text: str) -> tuple[Signal, ...]:
    """The signals the hand-written rules alone give."""
    prepared = prepare(text[:MAX_TEXT_CHARS])
    if prepared == "  ":
        return ()
    compiled = rules()
    return tuple(signal for signal in SIGNALS if matches(compiled[signal], prepared))


def reading_method() -> Method:
    """Which readers safety_signals uses in this process (trains the learned one if needed)."""
    return "rules+learned" if danger_learned.reader() is not None else "rules"
