"""Danger signs in free text, issue 9's last line: idioms, jokes and other people's troubles that
borrow danger's words stay quiet; slang and indirect wordings signal; and how the learned reader
chooses its thresholds. Our own phrases only (never the held-out sets)."""

from __future__ import annotations

import numpy as np
import pytest

from confide.screening import danger_learned
from confide.screening.danger import rule_signals, safety_signals
from confide.screening.danger_learned import choose_thresholds, decide, terms_of
from confide.sentence_model import sentence_model


@pytest.mark.parametrize(
    "text",
    [
        "my mum is going to kill me when she finds out we broke up",
        "she's going to murder me for spoiling the show",
        "he's going to strangle me when he sees the credit card bill, haha",
        "my wife says she'll kill me if i buy another guitar",
        "lol he's gonna kill me for posting this",
        "im dead lmao",
        "if she sees this text i'm dead",
        "i feel like i'm always walking on eggshells around my mother in law",
        "it's like walking on eggshells with my teenage daughter",
        "he tickled me until i cried laughing",
        "my cat scratched me and he laughed",
        "he's a boxer and sometimes comes home with a black eye from sparring",
        "i bruise easily and he teases me about it",
        "I fell off my bike and broke my wrist, he has been amazing",
        "i was stalking her new boyfriend's facebook lol",
        "i stalked his ex on instagram",
        "we watched a film about a stalker",
        "i get anxious when he doesn't text back",
        "he changed his password and now i'm suspicious",
        "she won't let me see her phone and it makes me think she's hiding something",
        "we watched a documentary about domestic violence and it started a big conversation",
        "my ex was abusive years ago but my husband is kind and i struggle to trust",
        "i'm a nurse and we had a suicide on the ward, i can't stop thinking about it",
        "she has a temper but she's never scary, just loud",
        "i'm the one who's controlling, i need to work on it",
        "he likes to know what i'm spending but we talk about it",
        "he punched the steering wheel in traffic, he's stressed",
        "i feel like a burden to him when i'm sick",
        "i'm tired of everything right now",
        "i need a break from everything",
        "i want to throw my phone out the window every time he doesnt reply",
        "he hurt me when he said i was boring",
        "she hurt me by cheating",
        "i walked into a door at work lol",
        "i track him on find my because he forgets to text when he's late, he's fine with it",
        "i volunteer at a suicide prevention line",
        "i read about domestic abuse for my social work course",
        "my mum was in an abusive marriage and i'm scared of repeating it",
        "the kids broke the tv",
        "i want to disappear into a good book",
    ],
)
def test_the_rules_stay_quiet_on_idioms_jokes_and_look_alikes(text: str) -> None:
    assert rule_signals(text) == ()


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("i want to ctb", "self_harm"),
        ("gonna unalive myself tonight", "self_harm"),
        ("kms fr", "self_harm"),
        ("I found an airtag in my car, I think he put it there", "partner_violence"),
        ("he is so controlling and i am scared", "partner_violence"),
        ("i'm walking on eggshells every single day", "partner_violence"),
        ("he choked me until i almost passed out", "partner_violence"),
        ("i rehearse what i'm going to say so he won't lose it", "partner_violence"),
        ("i always have a bag packed in case i need to run", "partner_violence"),
        ("she said shell jump if i leave her", "partner_violence"),
        ("she threatened to tell my boss im gay", "partner_violence"),
        ("he held a pillow over my face", "partner_violence"),
        ("he hurts me", "partner_violence"),
        ("I tell people I walked into a door", "partner_violence"),
        ("i'm tired of fighting to stay alive", "self_harm"),
        ("I started writing a note", "self_harm"),
    ],
)
def test_the_rules_still_read_slang_and_plain_danger(text: str, signal: str) -> None:
    assert signal in rule_signals(text)


def test_words_and_word_pairs_are_read_from_the_prepared_text() -> None:
    assert terms_of("He's controling") == ["he", "is", "controlling", "he is", "is controlling"]


def test_a_rule_stands_unless_the_reader_scores_below_its_floor() -> None:
    thresholds, floors = [0.8, 0.8], [0.1, 0.0]
    assert decide([0.9, 0.0], set(), thresholds, floors) == ("partner_violence",)
    assert decide([0.2, 0.0], {"partner_violence", "self_harm"}, thresholds, floors) == (
        "partner_violence",
        "self_harm",
    )
    assert decide([0.05, 0.0], {"partner_violence"}, thresholds, floors) == ()


def test_thresholds_find_the_most_within_the_false_alarm_budget() -> None:
    # 20 ordinary phrases and 10 giving partner violence; the rules find 5 of those and one
    # ordinary phrase (a joke the reader scores 0.01)
    scores = np.zeros((30, 2), dtype=np.float32)
    scores[:20, 0] = np.linspace(0.0, 0.5, 20)
    scores[20:, 0] = np.linspace(0.45, 0.9, 10)
    labels = np.zeros((30, 2), dtype=bool)
    labels[20:, 0] = True
    rules = np.zeros((30, 2), dtype=bool)
    rules[25:, 0] = True
    rules[0, 0] = True
    scores[0, 0] = 0.01
    thresholds, floors = choose_thresholds(scores, rules, labels, budget=0.1)
    found = (scores[:, 0] >= thresholds[0]) | (rules[:, 0] & (scores[:, 0] >= floors[0]))
    assert found[:20].sum() <= 2  # 10% of 20
    assert floors[0] > 0.01  # the joke is overruled, which leaves room for one more
    assert found[20:].sum() == 10


@pytest.fixture(scope="module")
def served() -> None:
    pytest.importorskip("sklearn")
    if sentence_model() is None:
        pytest.skip("the text extra is not installed")
    assert danger_learned.reader() is not None


@pytest.mark.usefixtures("served")
@pytest.mark.parametrize(
    "text",
    [
        "this is killing me",
        "i'm dying to know what he said to her",
        "we had a screaming match about his mother",
        "i could kill him for forgetting my birthday",
        "she's going to kill me when she sees the car lol",
        "we agreed to share our phones after i cheated, it's helping",
        "we broke up last week and i miss her",
        "i'm exhausted from fighting",
        "my wife is going to kill me when she sees this haircut",
        "we agreed he'd share his location while we rebuild trust",
        "I went through his phone and I feel awful about it",
        "I'm so low since the breakup but I want to feel better",
        "we yell a lot but we always make up",
    ],
)
def test_the_served_reader_stays_quiet_on_ordinary_distress(text: str) -> None:
    assert safety_signals(text) == ()


@pytest.mark.usefixtures("served")
@pytest.mark.parametrize(
    ("text", "signal"),
    [
        (
            "he gives me an allowance like im a child and i have to show receipts",
            "partner_violence",
        ),
        ("i have to ask permission to leave the house", "partner_violence"),
        ("he has my location on 24/7 and calls if i stop somewhere", "partner_violence"),
        (
            "he said if i leave he'll take the kids and i'll never see them again",
            "partner_violence",
        ),
        ("he punches walls and there are holes all over our house", "partner_violence"),
        ("i just want to go to sleep and not wake up", "self_harm"),
        ("everyone would be better off without me", "self_harm"),
        ("lowkey want to unalive myself", "self_harm"),
        ("i've been giving my things away", "self_harm"),
        ("honestly I'm disappointed every time I wake up", "self_harm"),
        ("the insurance would look after my kids better than I can", "self_harm"),
        ("I sat in the closed garage with the car running last night", "self_harm"),
        ("I've been handing my things out to friends and saying my goodbyes", "self_harm"),
        ("I've cancelled my plans for next year, I don't think I'll need them", "self_harm"),
        ("she makes me hand over my wages and checks every receipt", "partner_violence"),
        ("he said I'd regret it if I ever told my family", "partner_violence"),
        ("he will hurt me if he finds out I wrote this", "partner_violence"),
    ],
)
def test_the_served_reader_reads_control_threats_and_indirect_wordings(
    text: str, signal: str
) -> None:
    assert signal in safety_signals(text)
