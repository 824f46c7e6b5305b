"""The text as the danger rules read it: normalised (case, accents, apostrophes), slang and
contractions spelled out ("kms", "unalive", "im", "wont"), censored words restored ("k*ll",
"su1c1de"), words that look like misspellings of the rules' own words corrected (rapidfuzz,
Damerau-Levenshtein), and general denials of danger put aside ("he is not violent": see _DENIAL).
The learned reader embeds the same prepared text.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein

from confide.screening.danger_rules import rule_words

# Spelled-out slang, contractions (apostrophes are dropped first: "don't" is "dont") and
# abbreviations, so each rule is written once.
_EXPANSIONS: dict[str, str] = {
    "im": "i am",
    "ive": "i have",
    "hes": "he is",
    "shes": "she is",
    "hed": "he would",
    "theyre": "they are",
    "theyll": "they will",
    "youre": "you are",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "isnt": "is not",
    "wasnt": "was not",
    "werent": "were not",
    "arent": "are not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "aint": "is not",
    "nt": "not",
    "wanna": "want to",
    "wana": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "u": "you",
    "thru": "through",
    "fone": "phone",
    "phn": "phone",
    "msgs": "messages",
    "msg": "message",
    "txts": "texts",
    "txt": "text",
    "pw": "password",
    "pws": "passwords",
    "loc": "location",
    "acct": "account",
    "accts": "accounts",
    "bae": "partner",
    "boo": "partner",
    "hubs": "husband",
    "dh": "husband",
    "bd": "partner",
    "ded": "dead",
    "bout": "about",
    "b4": "before",
    "abt": "about",
    "everytime": "every time",
    "tryna": "trying to",
    "ur": "your",
    "r": "are",
    "bc": "because",
    "cuz": "because",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "hubby": "husband",
    "wifey": "wife",
    "fiancee": "fiance",
    "kms": "kill myself",
    "kys": "kill yourself",
    "ctb": "kill myself",
    "unalive": "kill myself",
    "unalived": "killed",
    "unaliving": "killing myself",
    "sewerslide": "suicide",
    "selfharm": "self harm",
    "sh": "self harm",
    "od": "overdose",
    "ods": "overdoses",
    "oded": "overdosed",
    "oding": "overdosing",
    "dv": "domestic violence",
    "ipv": "partner violence",
    "mentaly": "mentally",
    "fisically": "physically",
    "pysically": "physically",
}
# Phrases spelled out after the words are joined.
_PHRASE_EXPANSIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?<= ){before}(?= )"), after)
    for before, after in (
        (r"sewer slide", "suicide"),
        (r"self (?:delete|deleting|deleted)", "kill myself"),
        (r"un alive", "kill"),
        (r"my self", "myself"),
        (r"air tag", "airtag"),
        (r"self harming", "self harm"),
        (r"self injury|self injuring|self injure|self injurious", "self harm"),
        (r"self mutilation|self mutilating", "self harm"),
        # Spanish said inside English ("me corte again", "me pego otra vez"), accents gone
        (r"(?:me corte|me corto|me cortaba|cortarme)(?! (?:el|la|los|las|un|una)\b)", "cut myself"),
        (r"matarme|suicidarme|me quiero matar|quiero matarme", "kill myself"),
        (r"(?:me )?quiero morir(?:me)?|quisiera morir(?:me)?", "want to die"),
        (r"quiero desaparecer", "want to disappear"),
        (r"desaparecer", "disappear"),
        (r"(?:mejor )?no despertar(?:me)?", "not wake up"),
        (r"mejor muert[oa]", "better off dead"),
        (r"me pego|me golpeo|me pateo|me empujo|me ahorco", "hit me"),
        (r"me pega|me golpea|me patea|me empuja|me ahorca", "hits me"),
        (r"me amenaza|me amenazo", "threatens me"),
    )
)
# Denials of danger said outright, NegEx-style (a negation, a few words that keep its scope, the
# denied word), put as "fine": "he is not violent, he just goes quiet", "no abuse, we just grew
# apart", "i am not afraid of him", "not suicidal, just sad", "no thoughts of hurting myself".
# Neither the rules nor the sentence model read a negation reliably, so without this the denied
# word itself gives the signal. Only a general denial is put aside: the danger said anywhere else
# in the text still signals ("she is not violent, she just controls all the money"), and these
# stay as written:
# - a denied act ("he has never hit me": people play down what happens; the question is private);
# - a partial denial ("no physical abuse", "not physically violent": another kind may be there);
# - a denial in time ("not suicidal yet", "no longer afraid of him", "not violent when sober");
# - plans and intent ("no plan to kill myself": clinical shorthand for thoughts without a plan);
# - uncertainty ("i do not know if it is abuse", "not sure he is not dangerous").
_NEGATION = r"(?:not|no|never|nobody|nor|neither of us|none of us|no one)"
_DENIAL_GAP = (
    r"(?:(?:is|am|are|was|were|be|been|being|really|ever|at all|actually|remotely|even|any|"
    r"anything|a|an|that|particularly|overly|very|so|too|in any way|like (?:he|she|they|it) "
    r"(?:is|are|was|were|has|have))(?= ) ){0,3}"
)
_PARTNER_WORDS = (
    r"(?:him|her|them|each other|the other|my (?:partner|husband|wife|boyfriend|girlfriend|fiance"
    r"|spouse|ex))"
)
_DENIED = (
    r"(?:violent|violence|abusive|abuse|abusing me|abuser|aggressive|aggression|dangerous|"
    r"a danger to (?:me|us|anyone|myself)|threatening|threats|"
    rf"(?:afraid|scared|frightened|fearful|in fear) of {_PARTNER_WORDS}|"
    r"suicidal(?: (?:thoughts|ideation|feelings|urges))?|si|self harm|"
    r"(?:thoughts|thinking|urges) (?:of|about) (?:hurting|harming|killing) myself|"
    r"(?:hurting|harming) myself|going to (?:hurt|harm) myself|"
    r"(?:want|wanting|wanna) to die|at risk|in danger)"
)
_DENIAL = re.compile(
    rf"(?<= ){_NEGATION} {_DENIAL_GAP}{_DENIED}"
    r"(?= )(?! (?:yet|anymore|any more|now|right now|at the moment|today|tonight|lately|currently"
    r"|these days|since|until|unless|except|when|while|if|as long as|most of the time|usually"
    r"|sober|drunk)\b)"
)
_NOT_A_DENIAL_BEFORE = re.compile(
    r" (?:know|sure|say|think|tell|if|whether|certain)(?: \w+){0,3} $"
)

# Censored or number-spelled words: "k*ll", "su1c1de", "s**cide".
_LEET = str.maketrans({"1": "i", "!": "i", "3": "e", "4": "a", "@": "a", "0": "o", "$": "s"})
_CENSORED = re.compile(r"[a-z]+[*#@$!0-9.][a-z*#@$!0-9.]*[a-z*]*")
# "he'll", "i'd": spelled out while the apostrophe still tells them from "hell" and "id"
_CONTRACTION = re.compile(r"\b(he|she|i|they|you|we|it|who|that)['’`](ll|d|s|m|re|ve)\b")
_CONTRACTED = {"ll": "will", "d": "would", "s": "is", "m": "am", "re": "are", "ve": "have"}
_OD_D = re.compile(r"\bod['’`]?d\b|\bo\.d\.(?:['’`]?d)?")


def prepare(text: str) -> str:
    """The text as the rules read it: " word word ... ", spelled out and corrected."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _OD_D.sub(" overdosed ", plain)
    plain = _CONTRACTION.sub(lambda m: f"{m.group(1)} {_CONTRACTED[m.group(2)]}", plain)
    plain = _CENSORED.sub(_uncensor, plain)
    plain = re.sub(r"['’‘`´]", "", plain)
    words: list[str] = []
    for word in re.sub(r"[^a-z0-9]+", " ", plain).split():
        words.extend(spelled_out(word))
    prepared = f" {' '.join(words)} "
    for pattern, replacement in _PHRASE_EXPANSIONS:
        prepared = pattern.sub(replacement, prepared)
    return _DENIAL.sub(lambda m: _denial(m, prepared), prepared)


@cache
def prepare_version() -> str:
    """A digest of what decides prepare's output (this module, the real words, the rules and so
    their words): what is kept of prepared text is keyed on it."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    data = resources.files("confide.screening").joinpath("data")
    for name in ("real_words.json", "danger_rules.toml"):
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def _denial(found: re.Match[str], prepared: str) -> str:
    if _NOT_A_DENIAL_BEFORE.search(prepared[: found.start()]):
        return found.group(0)  # "not sure if he is not dangerous" is no denial
    return "fine"


def _uncensor(found: re.Match[str]) -> str:
    word = found.group(0)
    if word.replace(".", "").isdigit() or "." in word.strip("."):
        return word  # a number, or words joined by a full stop: leave them
    if "*" in word or "#" in word:
        pattern = re.compile(re.escape(word).replace(r"\*", ".").replace(r"\#", ".") + "$")
        for known in _lexicon():
            if pattern.match(known):
                return known
    translated = word.translate(_LEET)
    return translated if translated.isalpha() else word


@lru_cache(maxsize=8192)
def spelled_out(word: str) -> tuple[str, ...]:
    if word in _EXPANSIONS:
        return tuple(_EXPANSIONS[word].split())
    return (_corrected(word),)


# Real words the corrector would otherwise take for a rule's word (tickled is not tackled).
_NOT_MISSPELT = frozenset({"tickle", "tickled", "tickles", "tickling", "sparring", "sparred"})
# Misspellings are corrected only in words this long, within this distance, first letter kept.
_MIN_FUZZY_LENGTH = 5
_LONG_WORD = 8


def _corrected(word: str) -> str:
    """The rules' word that `word` is most likely a misspelling of, else `word` itself."""
    if len(word) < _MIN_FUZZY_LENGTH - 1 or not word.isalpha():
        return word
    if len(word) < _MIN_FUZZY_LENGTH:
        return word + "g" if word.endswith("in") and word + "g" in _lexicon() else word
    lexicon = _lexicon()
    if word in lexicon or word in _real_words() or word in _NOT_MISSPELT:
        return word
    if word.endswith("in") and word + "g" in lexicon:
        return word + "g"  # hittin, chokin, cuttin
    limit = 1 if len(word) < _LONG_WORD else 2
    best, best_distance = word, limit + 1
    for known in _lexicon_by_letter().get(word[0], ()):
        if abs(len(known) - len(word)) > limit:
            continue
        distance = DamerauLevenshtein.distance(word, known, score_cutoff=limit)
        if distance < best_distance:
            best, best_distance = known, distance
    # a known word with an ending is a real word, unless the correction keeps its stem
    # (throats stays throats; slaped becomes slapped)
    if best != word and any(not best.startswith(stem) for stem in _stems(word)):
        return word
    return best


def _stems(word: str) -> Iterable[str]:
    """Known words that `word` could be with an ending (throats: throat)."""
    known = _known_words()
    for ending in ("s", "es", "ed", "d", "ing", "ly", "er", "ers"):
        if word.endswith(ending) and word[: -len(ending)] in known:
            yield word[: -len(ending)]


# --- lexicon for spelling -----------------------------------------------------------------


@cache
def _lexicon() -> frozenset[str]:
    """Every whole word the rules name (at least four letters), which misspellings become."""
    words = set(rule_words())
    words.update(w for expansion in _EXPANSIONS.values() for w in expansion.split())
    return frozenset(word for word in words if len(word) >= 4)


@cache
def _lexicon_by_letter() -> dict[str, tuple[str, ...]]:
    by_letter: dict[str, list[str]] = {}
    for word in sorted(_lexicon()):
        if len(word) >= _MIN_FUZZY_LENGTH:
            by_letter.setdefault(word[0], []).append(word)
    return {letter: tuple(words) for letter, words in by_letter.items()}


@cache
def _known_words() -> frozenset[str]:
    return _lexicon() | _real_words()


@cache
def _real_words() -> frozenset[str]:
    raw = resources.files("confide.screening").joinpath("data", "real_words.json")
    words: list[str] = json.loads(raw.read_text("utf-8"))["words"]
    return frozenset(words)
