"""The review workflow's table: each action from each state, allowed or refused (pure)."""

from __future__ import annotations

import pytest

from confide.content.workflow import (
    ACTIONS,
    TRANSITIONS,
    ContentStateConflict,
    actions_from,
    next_state,
)
from confide.models import CONTENT_STATES

ALLOWED = {
    ("draft", "submit"): "in_review",
    ("in_review", "return"): "draft",
    ("in_review", "approve"): "approved",
    ("approved", "publish"): "published",
}


@pytest.mark.parametrize("state", CONTENT_STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_and_action(state: str, action: str) -> None:
    if (state, action) in ALLOWED:
        assert next_state(state, action) == ALLOWED[state, action]
    else:
        with pytest.raises(ContentStateConflict) as refused:
            next_state(state, action)
        assert refused.value.extra == {
            "state": state,
            "action": action,
            "needs": TRANSITIONS[action][0],
        }
        assert refused.value.code == "content_state"


def test_the_refusal_says_what_the_action_needs() -> None:
    with pytest.raises(ContentStateConflict, match="only a version in review can be approved"):
        next_state("draft", "approve")
    with pytest.raises(ContentStateConflict, match="this version is published"):
        next_state("published", "publish")


def test_nothing_moves_a_superseded_or_published_version() -> None:
    assert actions_from("superseded") == []
    assert actions_from("published") == []
    assert actions_from("in_review") == ["return", "approve"]
