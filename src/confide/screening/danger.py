"""Signs of partner violence or self-harm in what a person wrote in their own words.

A signal never decides anything alone and is never shown to the person: the intake uses it only
to bring the private partner-violence or self-harm questions forward. A missed sign costs far more
than one extra private question, so the rules lean towards asking; they stay quiet on ordinary
relationship distress ("we fight about money", "this is killing me", "she checks her phone").

How: the text is normalised (case, accents, apostrophes), slang and contractions are spelled out
("kms", "unalive", "im", "wont"), words that look like misspellings of the rules' own words are
corrected (rapidfuzz, Damerau-Levenshtein), then phrase rules match, each with the context that
vetoes it ("pushed me away", "threatened to leave", "killing myself at work"). A denial still
signals ("he has never hit me"): people often play down what happens, and the question is private.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from rapidfuzz.distance import DamerauLevenshtein

Signal = Literal["partner_violence", "self_harm"]
SIGNALS: tuple[Signal, ...] = ("partner_violence", "self_harm")
# Longer text is read in full: danger is often said last.
MAX_TEXT_CHARS = 4_000


def safety_signals(text: str) -> tuple[Signal, ...]:
    """The signals the text gives, in SIGNALS order (empty for ordinary distress)."""
    prepared = prepare(text[:MAX_TEXT_CHARS])
    if prepared == "  ":
        return ()
    return tuple(signal for signal in SIGNALS if _matches(_RULES[signal], prepared))


# --- preparing the text ---------------------------------------------------------------------

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
    )
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
        words.extend(_spelled_out(word))
    prepared = f" {' '.join(words)} "
    for pattern, replacement in _PHRASE_EXPANSIONS:
        prepared = pattern.sub(replacement, prepared)
    return prepared


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
def _spelled_out(word: str) -> tuple[str, ...]:
    if word in _EXPANSIONS:
        return tuple(_EXPANSIONS[word].split())
    return (_corrected(word),)


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
    if word in lexicon or word in _real_words():
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


# --- rules ----------------------------------------------------------------------------------


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


def _matches(rules: Iterable[Rule], prepared: str) -> bool:
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
_BLOCKS: dict[str, str] = {
    # up to N other words: {W1} {W2} {W3} {W4}
    **{f"W{n}": rf"(?:[a-z0-9]+ ){{0,{n}}}?" for n in range(1, 9)},
    "PARTNER": r"(?:partner|husband|wife|boyfriend|girlfriend|fiance|spouse|ex|man|girl|guy"
    r"|ex husband|ex wife|ex boyfriend|ex girlfriend|other half|so)",
    "SUBJECT": r"(?:he|she|they|him|her|them|my {PARTNER}|{PARTNER}|he is|she is|they are"
    r"|he has|she has|they have)",
    "PEOPLE": r"(?:me|us|the kids|my kids|our kids|the children|my children|our children"
    r"|the baby|our baby|my baby|my family|my son|my daughter|my dog|my cat|the dog|my pet)",
    "BODY": r"(?:face|head|neck|throat|arm|arms|wrist|wrists|hair|body|back|stomach|belly"
    r"|chest|leg|legs|side|ribs|jaw|mouth|nose|eye|eyes|ass|butt|shoulder|shoulders|glasses)",
    "PILLS": r"(?:pills|pill|meds|medication|medications|medicine|tablets|sleeping pills"
    r"|painkillers|pain pills|tylenol|xanax|antidepressants|insulin|benadryl|advil|aspirin"
    r"|prescriptions|prescription|paracetamol|ibuprofen|opioids|oxy)",
    "NEG": r"(?:do not|does not|did not|will not|would not|can not|could not|never|not"
    r"|no longer)",
}


def _expand(pattern: str) -> str:
    for _ in range(3):  # blocks name blocks
        pattern = re.sub(r"\{([A-Z]+\d?)\}", lambda m: _BLOCKS[m.group(1)], pattern)
    return pattern


_HIT = (
    r"(?:beat|beats|beaten|beating|punch|punches|punched|punching"
    r"|slap|slaps|slapped|slapping|kick|kicks|kicked|kicking|shove|shoves|shoved|shoving"
    r"|push|pushes|pushed|pushing|choke|chokes|choked|choking|strangle|strangles|strangled"
    r"|strangling|smack|smacks|smacked|smacking|grab|grabs|grabbed|grabbing|bite|bites|bit"
    r"|biting|scratch|scratches|scratched|throttle|throttled|headbutt|headbutted|elbowed"
    r"|stab|stabbed|strike|strikes|struck|whip|whipped|drag|drags|dragged|dragging|restrain"
    r"|restrained|rape|raped|rapes|molest|molested|suffocate|suffocated|pin|pinned|pins"
    r"|throw|throws|threw|thrown|abuse|abuses|abused|abusing|smother|smothered|slammed"
    r"|burned|burnt|attacked|assaulted|hurt me physically|pulled|pulls|knock|knocks|knocked"
    r"|tackle|tackled|tackles|stomp|stomped|stomps|kneed|whacked|whacks|clocked|socked|decked"
    r"|backhanded|backhands|bashed|bashes|body slammed|shoves|elbows|slams|slamming|slam"
    r"|whooped|whoops|whupped|jumped|roughed|roughs"
    r"|yanked|yanks|squeezed|squeezes|twisted|twists)"
)
# Trust repair: what partners agree to for a while after a betrayal is not control.
_AGREED = (
    r"(?:we )?agreed|agreement|temporar\w*|transparen\w*|after i cheated|since i cheated"
    r"|after my affair|since my affair|rebuild trust|rebuilding trust|i offered|i suggested"
)
_PARTNER_VIOLENCE: tuple[Rule, ...] = (
    # being hit, pushed, choked, forced: someone does it to me (or to my face, my neck)
    _rule(
        rf"{_HIT} (?:me|my {{BODY}}|me by the {{BODY}}|me in the {{BODY}})",
        not_before=r"\b(?:it|this|that|reality|truth|news|realization|life|thought|idea|i)"
        r"(?: [a-z]+)?",
        not_after=r"up|away|aside|off guard|under the bus"
        r"|out of (?:the |my |our )?(?:house|home|apartment|place|room|car\b(?! while))"
        r"|out\b(?! of)|a |to (?!the (?:ground|floor|wall))|at (?!me)|into (?!the |a |walls)"
        r"|around (?:to|the world)|with (?:questions|work|news|guilt)|back (?:to|into)",
    ),
    # verbs also said of news and feelings ("it hit me hard"): only with a person doing them
    _rule(
        r"{SUBJECT} {W3}(?:hit|hits|hitting|hitt|struck|strikes|shook|shakes|shaking)"
        r" (?:me|my {BODY})",
        not_after=r"up\b|with (?:the|news|questions)",
    ),
    _rule(
        r"(?:i|we) (?:was|were|got|get|have been|had been|been|am|being) {W1}"
        r"(?:hit|beaten|punched|slapped|kicked|shoved|pushed|choked|strangled|raped|assaulted"
        r"|abused|attacked|molested|smacked|throttled|stabbed|strangled|hurt physically)",
        not_after=r"by (?:a|the) (?:car|ball|bus|truck|bike|wave|virus|flu)|as a (?:child|kid)"
        r"|up|on (?:food|water|a|my|his|her|the)|with emotion|back tears|by (?:the|how|what)"
        r"|when i was (?:little|young|a child|a kid)",
    ),
    _rule(r"(?:spit|spat|spits|spitting) (?:on|at|in) (?:me|my face)"),
    _rule(
        r"(?:put|puts|putting|laid|lay|lays|laying) (?:his|her|their|a|hands|a hand|{W1}hands?) "
        r"{W1}on me"
    ),
    _rule(
        r"(?:gets?|got|getting|gotten|became|becomes|become|turned|turns|gone|goes|went|can be"
        r"|can get|is|was|been|being|are|were) {W1}(?:physical|violent|rough|handsy|abusive"
        r"|aggressive)",
        not_before=r"\b(?:video|game|games|movie|movies|match|sport|play)",
        not_after=r"(?:video )?(?:games|movies|films|shows|sports)|therapy|exam|health"
        r"|activity|touch|affection|intimacy|attraction|contact|about (?:his|her|their|the)"
        r" (?:career|job|work|goals)|driver|in (?:business|negotiations|sales)",
        unless=r"\b(?:passive|passively) aggressive|\b(?:more|less|not|never) physical",
    ),
    _rule(
        r"(?:violence|violently|domestic abuse|partner abuse|spousal abuse|physically abusive"
        r"|abusive|abuser|physical abuse|emotional abuse|emotionally abusive|verbal abuse"
        r"|verbally abusive|sexual abuse|sexually abusive|psychological abuse|financial abuse"
        r"|financially abusive|coercive|coercion|battered|battering)",
        not_before=r"\b(?:substance|drug|drugs|alcohol|opioid|non|childhood|child)",
        not_after=r"as a (?:child|kid|teen)|when i was (?:little|young|a child|a kid)"
        r"|in my (?:childhood|family)|growing up|(?:video )?games|movies|shows",
    ),
    _rule(r"(?:abuses|abused|abusing|abuse) (?:me|us|the kids|my kids|the children)"),
    _rule(r"(?:violent|aggressive) (?:with|towards|toward|to|around) (?:me|us|the kids|my kids)"),
    _rule(
        r"(?:raped|rape|rapes|sexually assaulted|sexual assault|sexually abused|molested"
        r"|marital rape|forced himself|forced herself|forces himself|forces herself"
        r"|revenge porn)"
    ),
    _rule(
        r"(?:forced|forces|force|forcing|pressured|pressures|pressure|pressuring|coerced"
        r"|coerces|guilt tripped|made|makes|make) me (?:to )?(?:have sex|into sex|do sexual"
        r"|do things|do stuff|sleep with|have intercourse|perform)"
    ),
    _rule(r"(?:forced|forces|forcing) me\b"),
    _rule(
        r"(?:sex|sexual|things|stuff|do things|touch me) {W4}(?:when|after|even though|though"
        r"|if) i (?:do not|did not|said no|say no|dont|am asleep|was asleep|was sleeping"
        r"|am sleeping|was drunk|cry|was crying)"
    ),
    _rule(
        r"(?:will not|does not|did not|would not|never) (?:take|takes|took|accept|accepts"
        r"|respect|respects|listen to) no"
    ),
    _rule(
        r"(?:bruise|bruises|bruised|bruising|black eye|black eyes|split lip|broken rib"
        r"|broken ribs|broken nose|broken wrist|broken arm|fractured|stitches"
        r"|marks on my {BODY}|hide the marks|cover the marks|cover up the marks)",
        not_before=r"\bi (?:fell|tripped)(?: \w+){0,3}",
    ),
    _rule(r"(?:flinch|flinches|flinched|flinching|cower|cowering)"),
    _rule(
        r"(?:raises|raised|raising|lifted|lifts) (?:his|her|their|a) (?:hand|hands|fist|fists)"
        r" {W2}(?:to|at|against|toward|towards|over) (?:me|us|the kids)"
    ),
    # breaking things, punching walls
    _rule(
        r"(?:break|breaks|broke|broken|breaking|smash|smashes|smashed|smashing|destroy"
        r"|destroys|destroyed|destroying|wreck|wrecks|wrecked|trash|trashes|trashed|rip|ripped"
        r"|rips|tore|tears up|threw|throw|throws|thrown|throwing|hurl|hurls|hurled|kick|kicks"
        r"|kicked|kicking|punch|punches|punched|punching|hit|hits|hitting|shatter|shattered"
        r"|shatters|bang|bangs|banged) {W3}(?:things|thing|stuff|dishes|dish|plates|plate"
        r"|glasses|glass|furniture|phone|phones|door|doors|walls|wall|tv|television|laptop"
        r"|belongings|windows|window|chairs|chair|table|mirror|mugs|mug|cup|cups|bottle"
        r"|bottles|vase|lamp|hole|holes|everything|objects|house|apartment|room|place|kitchen"
        r"|car|cabinet|cabinets|computer|my things|my stuff|something|anything|stuff)",
        not_before=r"\b(?:i|we)(?: \w+)?",
        not_after=r"up\b|apart|down|news|promise|heart|trust|rules|the ice|the bank",
        unless=r"\bhit\w* (?:the|a) (?:bottle|wall|road|roof|books|gym|town|bars|club)\b"
        r"|\bhit\w* (?:it|him|her) (?:off )?(?:\w+ )?(?:hard|place)|\bhit\w* home"
        r"|\bbreak\w* (?:the|his|her|my|their) (?:habit|cycle|silence|rules|record|news)",
    ),
    _rule(
        r"(?:fist|fists|foot|head|hand|hands) (?:through|into) (?:the |a |my )?(?:wall|walls"
        r"|door|doors|window|windows)"
    ),
    # threats
    _rule(
        r"(?:threaten|threatens|threatened|threatening|threatning|threats)",
        not_after=r"to (?:leave|break up|divorce|end things|end it|move out|go|walk out|quit"
        r"|stop|call off|cancel|take a break|see other|file|report|tell (?:my|our|the) (?:mom"
        r"|dad|parents|boss|therapist)|sleep|stay|spend|move|skip|walk|never speak|stop talking"
        r"|not come|sell|unfollow|block|ground|give away|take away (?:my|the) (?:phone|xbox"
        r"|wifi|tv))|by\b|to our|our (?:marriage|relationship)"
        r"|me with (?:divorce|leaving|a breakup|separation|a lawyer)",
    ),
    _rule(
        r"(?:death threats|threatening (?:me|messages|texts|calls|voicemails)"
        r"|made threats|makes threats|making threats)"
    ),
    _rule(
        r"(?:will|would|ll|is going to|going to|gonna|might|could|swore to|promised to"
        r"|threatened to|threatens to|says he will|says she will|said he would|said she would"
        r"|says they will|said they would|wants to|tried to|try to|tries to) {W2}(?:kill"
        r"|hurt|hit|beat|murder|shoot|stab|strangle|choke|harm|punch|slap|attack|break|end)"
        r" {PEOPLE}",
        not_before=r"\b(?:it|this|that|stress|worry|work|job|anxiety|guilt|waiting|i|you|mom"
        r"|mother|dad|father|parents|boss|news)(?: \w+)?",
        not_after=r"up\b|off\b",
    ),
    _rule(
        r"(?:kill|hurt|harm|end|shoot) (?:himself|herself|themselves|themself) {W4}"
        r"(?:if|unless|when|whenever|should|because) (?:i|we)"
    ),
    _rule(r"(?:take|takes|taking|took) (?:the|my|our) (?:kids|children|baby|son|daughter) away"),
    _rule(
        r"(?:will|would|ll|is going to|going to|threatens to|threatened to) {W1}take (?:the|my"
        r"|our) (?:kids|children|baby|son|daughter)"
    ),
    _rule(
        r"never see (?:them|the kids|my kids|my children|the children|my son|my daughter"
        r"|the baby|my baby) again"
    ),
    _rule(
        r"(?:post|posts|posting|share|shares|sharing|leak|leaks|leaking|send|sending) "
        r"{W2}(?:my )?(?:nudes|nude photos|nude pictures|naked photos|naked pictures"
        r"|intimate photos|private photos|sex tape)"
    ),
    _rule(
        r"(?:point|points|pointed|pointing|pull|pulls|pulled|wave|waves|waved|waving|held"
        r"|hold|holds|holding|show|shows|showed|remind|reminds|reminded|brandish|brandished"
        r"|grab|grabbed|came at me|comes at me|threat\w*) {W4}(?:gun|guns|knife|knives|weapon"
        r"|weapons|rifle|pistol|blade)"
    ),
    _rule(
        r"(?:gun|guns|knife|knives|weapon|weapons|rifle|pistol) {W6}(?:at me|to my|fight"
        r"|fights|argue|argument|arguments|angry|mad|threat\w*|reminds|remind|reminded|when we"
        r"|on me)"
    ),
    # fear of the partner
    _rule(
        r"(?:afraid|scared|terrified|frightened|fearful|petrified|fear|fears|feared"
        r"|intimidated|frightened|terrorized|terrorised) (?:of|by) (?:him|her|them|my {PARTNER}"
        r"|my {PARTNER}s|what (?:he|she|they|my {PARTNER}) {W2}(?:do|does|did|might|could|will"
        r"|would|may)"
        r"|how (?:he|she|they) (?:will|would|might) (?:react|respond)"
        r"|(?:his|her|their) (?:temper|anger|rage|reaction|reactions|mood|moods|outbursts"
        r"|outburst|fists|hands|violence|drinking|behavior|behaviour))",
        not_after=r"leaving|cheating|going|finding|not\b|losing|moving|getting bored|falling"
        r"|being unfaithful|lying|seeing|meeting|dating|texting|talking|ending|breaking"
        r"|giving up|changing|forgetting|abandoning|rejecting|judging|wanting|deciding"
        r"|relapsing|drinking again",
    ),
    _rule(
        r"(?:afraid|scared|terrified|frightened|fearful|worried|worry|fear|petrified) "
        r"{W4}(?:(?:hurt|hit|kill|beat|harm|attack|strangle|choke|find|track|hurts|hits"
        r"|kills|finds|tracks|punch|slap|come after|comes after|do something to) {PEOPLE}"
        r"|snap|snaps|lose (?:his|her|their) (?:temper|mind|shit)|explode|explodes"
        r"|become violent|get violent|gets violent)\b",
        not_after=r"out\b|(?:attractive|interesting|sexy|beautiful|annoying|boring|funny|hot"
        r"|pretty|desirable|appealing|cute|smart|good|enough|lacking|unattractive|needy"
        r"|clingy|different|dull)\b",
    ),
    _rule(
        r"(?:fear|afraid|scared|worried|terrified|frightened) (?:for|about) (?:my|our) "
        r"(?:life|lives|safety|kids safety|childrens safety|childs safety|physical safety)"
    ),
    _rule(
        r"(?:{NEG}|unsafe|never) {W2}(?:feel|feeling|felt|am|be|being|are|is) {W1}safe"
        r"(?: (?:at home|in my (?:own )?home|in the house|around (?:him|her|them)"
        r"|with (?:him|her|them)|anymore|any more|physically|there|living with|near"
        r"|around my {PARTNER}|with my {PARTNER}|near my {PARTNER}|in this (?:house|home)))",
        not_after=r"emotionally|opening|to (?:open|share|be vulnerable|talk|trust|tell)",
    ),
    _rule(
        r"(?:unsafe|not safe|in danger|danger to me) (?:at home|in my (?:own )?home|around"
        r"|with (?:him|her|them)|living with|in the house|anymore|any more)"
    ),
    _rule(r"(?:my|our) (?:life|lives|safety) (?:is|are|was|were) (?:in danger|at risk)"),
    _rule(r"(?:walk|walks|walking|walked|tiptoe|tiptoeing|tip toe|tip toeing) on egg ?shells"),
    _rule(
        r"(?:afraid|scared|terrified|frightened|too scared|too afraid) to (?:go home|come home"
        r"|be home|say no|disagree|speak up|tell (?:him|her|them) no|leave|break up"
        r"|push back|stand up|argue|sleep)",
        not_after=r"(?:him|her|them) for (?:good|now)|the house",
    ),
    _rule(
        r"{SUBJECT} {W2}(?:scares|scared|frightens|frightened|terrifies|terrified"
        r"|intimidates|intimidated|terrorizes|terrorises) (?:me|us|the kids)",
        not_before=r"\b(?:it|this|that|which|what)",
    ),
    _rule(
        r"(?:restraining order|protective order|protection order|order of protection"
        r"|no contact order|womens shelter|dv shelter|domestic violence shelter|safe house"
        r"|safety plan)"
    ),
    _rule(
        r"(?:call|calls|called|calling) (?:the )?(?:police|cops|911) (?:on|because|after"
        r"|when)"
    ),
    _rule(r"(?:police|cops) (?:came|come|were called|showed up|got called)"),
    # coercive control: money
    _rule(
        r"(?:take|takes|took|taking|keeps|kept|keep|keeping|steal|steals|stole|stealing"
        r"|controls|control|controlled|controlling|withholds|withheld|withhold|holds|confiscate"
        r"|confiscated|confiscates|hides|hid|spends|spent|blows|blew|cashes|cashed|drained"
        r"|drains) {W2}(?:my|all my|all of my|of my) (?:paycheck|paychecks|pay|money|wages"
        r"|salary|income|earnings|card|cards|credit card|credit cards|debit card|bank card"
        r"|bank account|account|accounts|savings|finances|checkbook|benefits|check|checks"
        r"|tips|wallet|purse|id|passport|documents|papers|keys|car keys|phone|cash)",
        not_before=r"\b(?:i|we)(?: \w+)?",
    ),
    _rule(
        r"(?:controls|control|controlled|controlling|manages|managed|runs) {W1}(?:all|every)"
        r" {W2}(?:money|finances|accounts|spending|cent|penny|dollar|purchase)"
    ),
    _rule(
        r"(?:controls|controlled|controlling) (?:the|our|my) (?:money|finances|bank|accounts"
        r"|bank account|spending|credit cards|cards|cash|paycheck|income)"
    ),
    _rule(
        r"(?:gives|gave|give|giving|puts|put|keeps|kept) me (?:on )?(?:an |a )?(?:allowance"
        r"|weekly allowance)",
        not_if=_AGREED,
    ),
    _rule(r"i (?:get|got|have|receive) (?:an |a )?(?:allowance|weekly allowance)", not_if=_AGREED),
    _rule(
        r"(?:have|had|has|need|needs|must) to ask {W2}(?:for|before) (?:money|every|any|cash"
        r"|permission|everything|anything|every little thing)"
    ),
    _rule(
        r"(?:ask|asks|asking|asked|get|getting|got|need|needs|needing) (?:for )?(?:his|her"
        r"|their|permission)(?: permission)? (?:to|for|before)"
    ),
    _rule(r"(?:his|her|their) (?:permission|approval|ok|okay|say so|blessing) (?:to|for|before)"),
    _rule(r"(?:his|her|their) permission"),
    _rule(
        r"(?:no|without) access to (?:money|our money|my money|the money|our accounts"
        r"|the accounts|the bank|our bank|a car|a phone|my phone|my own money|cash)"
    ),
    # coercive control: who I may see, what I may do
    _rule(
        r"(?:will not|does not|do not|would not|did not|never|not|wont|refuses to|refused to)"
        r" (?:let|lets|allow|allows|allowed|permit|permits|permitted) (?:me|us) (?:to )?"
        r"{W1}(?:see|visit|go out|go anywhere|go places|go to work|go home|go outside|go alone"
        r"|leave|have money|have friends|have a job|have my own|have access|have a phone"
        r"|have a car|have keys|have a bank|have a card|have a life|talk to|work|get a job"
        r"|drive|use the car|use my phone|use the phone|wear|spend money|spend time with"
        r"|call my|call anyone|call friends|contact|hang out|sleep|eat|keep my|keep a job"
        r"|keep money|open my|open a|make my own|make decisions|make friends|be alone"
        r"|meet|out of the house|out of his sight|out of her sight|out|text|study)",
        not_after=r"(?:forget|live it down|finish|explain)",
    ),
    _rule(
        r"(?:i am|im|we are|i was|were|am) not (?:even |really |ever )?(?:allowed|permitted)"
        r" (?:to )?"
    ),
    _rule(
        r"(?:decides?|decided|deciding|tells?|told|telling|dictates?|dictated|controls?"
        r"|controlled|controlling|chooses|chose|picks|picked|approves?|approved|limits?"
        r"|limited|restricts?|restricted|monitors?|monitored) (?:me )?{W2}(?:who|where|what"
        r"|when|how much|how often|how long) (?:i {W2}|to )(?:see|talk|go|wear|eat|spend"
        r"|hang|text|call|meet|visit|be friends|leave|can|may|am allowed|should|friends)"
    ),
    _rule(
        r"(?:controls|controlled|controlling|control) (?:my (?:life|every|money|phone"
        r"|friends|everything|schedule|time|food|clothes|movements|body|eating|whereabouts"
        r"|finances|medication|meds|medicine|pills|insulin|doctor|appointments|health|birth"
        r" control|contraception|sleep|weight)|everything i|every (?:aspect|move|part|single"
        r" thing|decision|cent|penny"
        r"|dollar)|what i (?:do|wear|eat|say|spend))"
    ),
    _rule(
        r"(?:is|are|be|been|being|very|so|really|extremely|super|too|incredibly|become"
        r"|became|getting|gets|most|more|way|quite|pretty|possessive and|jealous and)"
        r" {W1}controlling",
        not_after=r"about (?:the|how|what|where|when|which) (?:house|kitchen|chores|remote"
        r"|tv|thermostat|dishes|laundry|wedding|plans|vacation|trip|schedule|budget|food)",
    ),
    _rule(
        r"controlling (?:and|husband|wife|partner|boyfriend|girlfriend|relationship|behavior"
        r"|behaviour|person|man|woman|ex|spouse|fiance)"
    ),
    _rule(r"(?:coercive control|controls me|control me|controlled me|controlling me)"),
    _rule(
        r"(?:cut|cuts|cutting|isolated|isolates|isolating|isolate|keeps|kept|keep|keeping"
        r"|stops|stopped|stop|stopping|prevents|prevented|bans|banned|forbids|forbade"
        r"|forbidden) me (?:off )?(?:from|away from|of) {W2}(?:friends|freinds|family|parents"
        r"|mom|mother|dad|father|sister|brother|sisters|brothers|people|everyone|everybody"
        r"|support|work|job|church|kids|children|seeing|talking|going|leaving|having|calling"
        r"|visiting|working|contacting)"
    ),
    _rule(r"(?:isolated|isolates|isolating|isolate) me"),
    _rule(
        r"(?:i am|i feel|i have been|feel|feeling|i was) (?:so |very |completely |totally )?"
        r"isolated (?:from|by) (?:my|everyone|everybody|friends|family)"
    ),
    _rule(
        r"(?:made|makes|make|making|forced|forces|force|forcing|pressured|pressures"
        r"|pressuring|demands|demanded|demanding) me (?:to )?(?:quit|stop (?:seeing|talking"
        r"|working|going|contacting)|give up (?:my|seeing|work)|cut off|delete|block|unfollow"
        r"|drop out|hand over|give (?:him|her|them) (?:my|all)|sign over|put everything)"
    ),
    _rule(
        r"(?:gets|get|got|getting|goes|went|becomes|became) (?:so |really |very )?(?:angry|mad"
        r"|furious|violent|enraged|crazy|livid|aggressive|psycho) {W2}(?:if|when|whenever"
        r"|every time) i (?:see|talk|go|hang|spend|visit|call|text|leave|meet|have) {W2}"
        r"(?:friends|freinds|family|parents|mom|mother|dad|father|sister|brother|coworkers"
        r"|out|anyone|anybody|people|alone|without)"
    ),
    # coercive control: phone, passwords, tracking
    _rule(
        r"(?:check|checks|checked|checking|goes through|go through|went through|going through"
        r"|reads|read|reading|searches|searched|search|monitors|monitored|monitoring|takes"
        r"|took|take|taking|hides|hid|hiding|smashed|smashes|broke|breaks|confiscates"
        r"|confiscated|tracks|tracked|tracking|track|hacks|hacked|hacking|logs into|logged"
        r"into|snoops|snooped|snooping|looks through|looked through|demands|demanded|steals"
        r"|stole|bugged|bugs|tapped|taps|records|recorded|listens to|listened to|grab|grabs"
        r"|grabbed|snatch|snatches|snatched|yanks|yanked|rips|ripped) (?:through "
        r"|into |on |in )?(?:all )?(?:of )?(?:my|our) (?:phone|phones|cell|cellphone|texts"
        r"|text messages|messages|emails|email|mail|dms|whatsapp|instagram|facebook|snapchat"
        r"|social media|accounts|account|computer|laptop|browser history|search history"
        r"|history|location|calls|call log|call history|car|keys|car keys|passport|documents"
        r"|wallet|purse|bank statements|receipts|conversations|chats|every move|movements"
        r"|whereabouts|laptop|ipad|tablet|room|bag|journal|diary)",
        not_before=r"\b(?:i|we|you)(?: \w+){0,2}",
    ),
    _rule(
        r"(?:demands|demanded|demand|demanding|made me (?:give|share|hand over|tell)|makes me"
        r" (?:give|share|hand over|tell)|forced me to (?:give|share)|forces me to (?:give"
        r"|share)|changed|changes|took|takes|insists on|insisted on|wants|has|knows) "
        r"{W2}(?:my )?(?:passwords|password|passcodes|passcode|pin|login|logins|codes)",
        not_before=r"\b(?:i|we|you)(?: \w+){0,2}",
        not_if=_AGREED,
    ),
    _rule(
        r"(?:tracks|tracked|tracking|track|monitors|monitored|monitoring|stalks|stalked"
        r"|stalking|stalker|stalk|spies|spied|spying|spy) {W1}(?:me|on me|my)\b"
    ),
    _rule(
        r"(?:stalks|stalked|stalking|stalker|stalkerware|spyware|airtag|airtags|tracking app"
        r"|tracking device|gps tracker|tracker on my|tracker in my|hidden camera|hidden cameras"
        r"|spy app|spy cam|keylogger)"
    ),
    _rule(
        r"(?:put|puts|installed|installs|hid|hides|hidden|placed) (?:a |an )?(?:app|tracker"
        r"|camera|cameras|gps|device|microphone|recorder) (?:on|in|under) my"
    ),
    _rule(
        r"(?:follows|followed|following|follow) (?:me (?:everywhere|to work|around|home|to my"
        r"|when|in (?:his|her|their) car)|my car)"
    ),
    _rule(
        r"(?:shows|showed|showing|turns|turned) up (?:at|to) (?:my|where i) {W1}(?:work|job"
        r"|office|house|home|apartment|place|school|am|go|parents|friends)"
    ),
    _rule(
        r"(?:makes|made|forces|forced|force|demands|demanded|insists|insisted|pressures"
        r"|pressured|requires|required|expects) (?:me )?{W2}(?:share|send|turn on|keep on"
        r"|give|show) {W2}(?:location|locations|pictures of where|photos of where|proof of where"
        r"|live location|video of where)"
    ),
    _rule(
        r"(?:calls|texts|messages|called|texted) me (?:\d+|nonstop|non stop|constantly"
        r"|hundreds of|dozens of|fifty|a hundred|every (?:hour|minute|few minutes|half hour))"
    ),
    # degrading, humiliating
    _rule(
        r"(?:calls|called|calling|call|screams|screamed|screaming|scream|yells|yelled|yelling"
        r"|yell|shouts|shouted|shouting|says|said|saying|tells|told|telling|reminds|reminded"
        r"|insists) {W3}(?:me|that i am|i am|i was|that i was|im) {W3}(?:worthless|useless"
        r"|stupid|pathetic|disgusting|ugly|fat|whore|slut|bitch|idiot|retard|retarded|nothing"
        r"|nobody|trash|garbage|loser|failure|dumb|moron|piece of shit|waste of space|names"
        r"|a joke|unlovable|worthless|cunt|hoe|skank|pig|dog)",
        not_before=r"\b(?:i|we|you)(?: \w+)?",
    ),
    _rule(
        r"(?:tells|told|says|said|reminds|keeps saying|telling|saying) (?:me )?(?:that )?"
        r"(?:no one|nobody|noone|no man|no woman|no guy|no girl) (?:else )?(?:would|will|could"
        r"|is going to|going to) (?:ever )?(?:want|love|date|have|put up with|care)"
    ),
    _rule(
        r"(?:(?:tells|told|telling|says|said|saying|screams|screamed|yells|yelled) (?:me |that )?"
        r"|(?:wants|wanted|wishes|wished) me )(?:to |i should |i would |that i should )?"
        r"(?:go )?(?:just )?(?:kill (?:yourself|myself|my self)|die|drop dead|end it|dead)"
    ),
    _rule(
        r"(?:hurts|hurt|hurting) me (?:physically|on purpose|when (?:he|she|they) (?:drinks"
        r"|is drunk|gets drunk|gets angry|is angry|is mad|gets mad))"
    ),
    _rule(
        r"(?:physically|sexually) (?:hurt|hurts|hurting|harmed|harms|assaulted|abused"
        r"|attacked|forced|violent)"
    ),
    # confinement
    _rule(r"(?:locks|locked|locking|lock) me (?:in|out|up|inside)"),
    _rule(
        r"(?:blocks|blocked|blocking|block|stands|stood|standing) (?:in )?(?:the|my) (?:door"
        r"|doorway|way|exit)"
    ),
    _rule(r"(?:{NEG}|refuses to|refused to) (?:let|lets) me (?:leave|go|out|get out)"),
    _rule(r"(?:trap|traps|trapped|trapping) me"),
    # second tuning batch: more general wordings
    _rule(
        r"(?:hand|hands|fingers|arm|arms|grip|fist) (?:around|on|over|across|against) my "
        r"(?:neck|throat|mouth|face)"
    ),
    _rule(
        r"(?:squeez\w*|grab\w*|press\w*|held|hold|holds|holding|pinn\w*|cover\w*|crush\w*)"
        r" {W2}my (?:neck|throat|mouth|windpipe)",
        not_before=r"\bi(?: \w+)?",
    ),
    _rule(
        r"(?:hurt|hurts|injured|injures|broke|sprained|dislocated) my {BODY}",
        not_before=r"\b(?:i|we)(?: \w+){0,2}",
    ),
    _rule(
        r"(?:beat|beats|beating|beaten) (?:me|us) up|beat the (?:shit|crap|hell|life) out of "
        r"(?:me|us)"
    ),
    _rule(
        r"(?:held|holds|hold|holding|pinned|pins|pin|pinning|sat|sits|kneel\w*) (?:me|on me) "
        r"(?:down|against|to the|by the|on the)"
    ),
    _rule(
        r"(?:have to|has to|had to|must|make me|makes me|made me|forces me|forced me"
        r"|expects me|expected me|demands|demanded|insists|insisted|or (?:he|she|they)"
        r"|every hour|constantly|at all times|all the time) {W6}(?:where i am|where i was"
        r"|where i go|where i have been|where i am going|where i went|who i am with|who i was"
        r"|who i talk to|who i talked to|who i text|my whereabouts|my location|proof of where)"
    ),
    _rule(
        r"(?:installed|install|installs|put|puts|hid|hides|placed|planted|set up|sets up)"
        r" {W3}(?:on|in|into|under) my (?:phone|laptop|computer|car|tablet|ipad|room|bag"
        r"|purse|bedroom)"
    ),
    _rule(
        r"to (?:see|watch|know|track|check|spy on|monitor|read|hear|record) (?:everything |all )?"
        r"(?:what i|where i|who i|my (?:messages|texts|calls|location|emails|every))",
        not_before=r"\b(?:want|wants|wanted|asked|asks|agreed|agree|allowed|let|lets)"
        r"(?: \w+){0,3}",
    ),
    _rule(
        r"(?:shows|showed|showing|show|turns|turned|turning|turn) up (?:at|to|outside|by|near"
        r"|in front of|unannounced|uninvited|everywhere|wherever) {W2}(?:my|where i|me)?"
    ),
    _rule(
        r"if i (?:ever )?{W2}(?:leave|left|go|tell|told|call|called|break up|report|try to"
        r"|divorce|cheat|say|said|talk) {W6}(?:he|she|they) (?:will|would|is going to|going to"
        r"|said|says|swears|swore) {W2}(?:find|kill|hurt|make|take|ruin|come after|destroy"
        r"|regret|end|hunt|track|get|beat|punish|never see|burn|post|tell)"
    ),
    _rule(
        r"(?:make you pay|you will regret|you are dead|you are going to regret|i will find you"
        r"|i will kill you|i will hurt you|i will end you|i will ruin you|i will destroy you"
        r"|you will be sorry|no one will believe you|nobody will believe you"
        r"|no one will believe me|nobody will believe me|no one would believe me"
        r"|nobody would believe me)"
    ),
    _rule(
        r"(?:do not know|never know|no idea|not sure|unsure|can not predict|can not tell) what"
        r" (?:he|she|they) (?:will|would|might|is going to|could|may|is capable of) {W1}(?:do"
        r"|be capable)"
    ),
    _rule(
        r"(?:hide|hiding|hid|hides|lock myself) (?:from (?:him|her|them)|in the (?:bathroom"
        r"|closet|car|bedroom|basement))"
    ),
    _rule(
        r"(?:will not|does not|do not|never|refuses to|refused to|did not|would not) (?:give"
        r"|gives|let|lets|allow|allows) me {W2}(?:money|cash|access|my own money|a card"
        r"|the card|the car|keys|my paycheck|my money|a cent|a penny|any money)"
    ),
    _rule(
        r"(?:money|cash|bank account|account|card|income) (?:of my own|in my name)",
        not_before=r"\b(?:have|got|keep|opened|open|kept)(?: \w+){0,2}",
    ),
    _rule(
        r"(?:accounts|money|everything|bank|cards|credit cards|finances|paycheck) (?:is |are"
        r" )?(?:all )?(?:in|under) (?:his|her|their) name"
    ),
    _rule(
        r"(?:can not|could not|unable to|not able to|no way to|not allowed to) (?:access"
        r"|touch|use|see) (?:anything|any money|the money|our money|the accounts|my account"
        r"|my money|our accounts|the bank|my own money|my paycheck|a cent|the car)"
    ),
    _rule(
        r"(?:has|have|had|is|was) (?:hurt|hit|beaten|choked|pushed|shoved|slapped) me (?:before"
        r"|physically|many times|more than once|several times|multiple times|a few times"
        r"|twice|once or twice)"
    ),
    _rule(
        r"(?:makes|made|make) me (?:feel )?(?:so |very |really )?(?:scared|afraid|unsafe"
        r"|terrified|frightened|fearful)"
    ),
    _rule(
        r"(?:afraid|scared|terrified|frightened|nervous|on edge|tense) (?:when|whenever"
        r"|every time|each time|if) (?:he|she|they|my {PARTNER}) (?:drinks|is drunk|gets drunk"
        r"|gets angry|is angry|gets mad|is mad|comes home|is home|loses|gets home|walks in"
        r"|raises|starts|yells|screams|drinks)"
    ),
    _rule(
        r"(?:a |like a |like )(?:prisoner|hostage) in (?:my own|our|the|this) (?:home|house"
        r"|apartment|marriage|relationship)"
    ),
    _rule(
        r"(?:sabotag\w*) (?:my )?(?:job|work|career|birth control|interviews|contraception"
        r"|schooling|studies)"
    ),
    _rule(
        r"(?:poked|pokes|poke) holes|(?:hid|hides|threw away|throws away|flushed|flushes"
        r"|tampered with|tampers with|messes with|messed with|stopped me|stops me) {W2}(?:my )?"
        r"(?:condoms|birth control|contraception|my pill|my pills)"
    ),
    _rule(
        r"(?:pressures|pressured|forces|forced|wants to force) me (?:to get|into getting) "
        r"pregnant"
    ),
    _rule(r"(?:degrades|degraded|degrading|humiliates|humiliating) (?:me|names)"),
    _rule(
        r"(?:kicks|kicked|kicking|hits|hit|hitting|hurt|hurts|beat|beats|beating|killed"
        r"|threatens|threatened|choked|strangled|throws|threw) (?:the|my|our) (?:dog|cat|pet|pets"
        r"|puppy|kitten)"
    ),
    _rule(
        r"(?:neighbors|neighbours|someone|the neighbors|a neighbor) (?:called|call) the "
        r"(?:police|cops)"
    ),
    _rule(
        r"(?:takes|took|take|taking|hides|hid|hiding|steals|stole) (?:away )?(?:my|the) "
        r"(?:car|keys|car keys|phone|wallet|passport)",
        not_before=r"\b(?:i|we|you)(?: \w+){0,2}",
    ),
    # broader rules after the first held-out figures (83.8% recall), each from our own phrases:
    # violent words in any order, fear around the partner, permission, being watched
    _rule(
        r"(?:choke|chokes|choked|choking|chokehold|choke hold|strangle|strangles|strangled"
        r"|strangling|strangulation|slapped|slapping|slaps|smacked|smacking|shoved|shoving"
        r"|punched|punching|kicked|kicking|beat up|beaten up|beating me|beats me|beaten"
        r"|assaulted|assault|molested|stalked|stalking|battered|battering|headbutted"
        r"|backhanded|bruised|black and blue)",
        not_before=r"\b(?:i|we|it|this|that|news|affair|betrayal|guilt|reality)(?: \w+)?"
        r"|\b(?:he|she|they|him|her|them|friend|brother|son|dad) (?:got|was|were|gets"
        r"|has been|had been|been|getting)",
        not_after=r"(?:up|on|back|in|out|off|over|the (?:habit|bucket|can|air|clock|ball|ceiling"
        r"|tires|door down)|myself|ourselves|him|her|them|by (?:life|the|my job|work|grief"
        r"|guilt|loss)|down (?:by|from)|the odds|around|tears|a little|it|a nerve|a chord"
        r"|to the curb|while|when i)\b",
        unless=r"\b(?:beat\w* myself|kick\w* myself|punch\w* (?:in|out)|punching bag for)\b",
    ),
    _rule(
        r"(?:afraid|scared|terrified|frightened|petrified|fearful|intimidated|frighten"
        r"|frightens|terrifies|scares) {W4}(?:him|them|my {PARTNER})\b",
        not_after=r"(?:leaving|cheating|going|finding|losing|moving|getting|falling|lying"
        r"|seeing|meeting|dating|texting|talking|ending|breaking|giving|changing|forgetting"
        r"|deciding|relapsing|drinking|dying|being|not|will|would|might|is|was|has|had|wants"
        r"|does|did|can|could)\b",
        unless=r"\b(?:los\w*|leav\w*|tell\w*|told|disappoint\w*|upset\w*|hurting|hurt|lose"
        r"|miss\w*|cheat\w*|bor\w*|forget\w*|bother\w*|ask\w*|confront\w*|admit\w*|say\w*"
        r"|show\w*|open\w*|love\w*|trust\w*|need\w*|burden\w*|break\w*|end\w*|marry\w*"
        r"|commit\w*|fail\w*|becom\w*|turn\w*|like|same|text\w*|call\w*|meet\w*|introduc\w*"
        r"|sound\w*|seem\w*|let\w*|push\w*|driv\w*|chang\w*|get\w*|got|bring\w*|rais\w*"
        r"|mak\w*|do|doing|tak\w*|giv\w*|mess\w*|ruin\w*|for|about|that|dad|mom|father|mother"
        r"|parents|family|friends|ex|affair|sister|brother|job|health|drinking|gambling"
        r"|spending|future|feelings|reaction to (?:the|my) news|phone|kids|children|dog|cat"
        r"|dogs|cats|heights|spiders|flying|needles|doctor|dentist|clowns)\b",
    ),
    _rule(
        r"(?:need|needs|needed|ask|asks|asking|asked|get|getting|got|have to get|require"
        r"|requires|beg|begging|without) (?:for )?(?:his|her|their) permission"
        r"|permission (?:from|of) (?:him|her|them|my {PARTNER})"
        r"|(?:ask|asks|asking|asked|beg|begging|need|needs) (?:him |her |them )?(?:for )?"
        r"permission (?:to|for|before)"
    ),
    _rule(
        r"control (?:over|of) (?:me|my|everything|the money|our money|all the money|the"
        r" finances|our finances|where i|who i|what i)"
    ),
    _rule(
        r"(?:knows|know|has to know|have to know|needs to know|need to know|must know|wants to"
        r" know|demands to know|insists on knowing) (?:where i am|who i am with|who i talk to"
        r"|where i go|what i do|who i see|where i have been|who i was with|every move)"
        r" {W2}(?:at all times|every|all the time|24 7|constantly|always|or|every minute"
        r"|every second|every hour)",
        not_if=_AGREED,
    ),
    _rule(
        r"(?:will not|does not|do not|would not|did not|never|not|refuses to|refused to)"
        r" (?:let|lets|allow|allows|allowed|permit|permits) me\b",
        not_after=r"(?:finish|explain|help|forget|live|get a word|apologi\w*|make it up|in\b"
        r"|near|pay|cook|clean|do anything for|comfort|touch (?:him|her)|hug|kiss|love|try"
        r"|fix|talk about|bring (?:it )?up|speak|vent|be sad|cry|be upset|forgive|move on"
        r"|take care|have my say|say sorry|be vulnerable|in on|know|see (?:her|his|their)"
        r" (?:phone|messages|texts)|pick|choose (?:the|a) (?:movie|restaurant|music)"
        r"|plan|decide (?:anything|where we|what we)|drive (?:his|her) car|use (?:his|her))",
    ),
    _rule(
        r"(?:kneels|kneeled|knelt|kneeling|sits|sat|sitting|stands|stood|standing|lies|lay"
        r"|lying) on (?:me|my (?:chest|back|neck|stomach|arm|arms|legs|throat|head))",
        not_before=r"\b(?:i|we|cat|dog|kid|kids|baby|son|daughter)(?: \w+)?",
    ),
    _rule(
        r"(?:demands|demanded|demanding|insists on|insisted on|insists|insisted|expects"
        r"|makes me show|made me show|forces me to show) (?:to )?(?:see|check|look at|go"
        r" through|read|have) (?:all )?(?:of )?my (?:phone|texts|messages|emails|email|dms"
        r"|passwords|accounts|chats|call log)",
        not_if=_AGREED,
    ),
    _rule(
        r"i (?:have|get|got) (?:no|zero) (?:access|say|control)|(?:has|have) access to (?:all"
        r" )?(?:of )?my (?:accounts|money|email|phone|bank) {W2}i (?:have|get|got) none",
        not_after=r"(?:in|over) (?:the|what|where) (?:movie|restaurant|music|vacation|menu)",
    ),
    # fourteenth tuning batch: slang
    _rule(
        r"(?:took|takes|take|taking) (?:a )?(?:swing|swings|shot|shots|punch|punches) at me"
        r"|(?:swung|swings|swinging|lunged|lunges) at me"
    ),
    _rule(
        r"(?:came|comes|coming|come) at me",
        not_after=r"with (?:accusations|questions|criticism|words|an attitude|attitude|demands"
        r"|complaints|the same|facts|receipts|proof|evidence)|about",
    ),
    _rule(r"(?:rough|roughed|roughs|roughing) me up"),
    # thirteenth tuning batch
    _rule(
        r"(?:have to|has to|must|make me|makes me|made me|forces me to|expects me to|need to)"
        r" {W2}(?:check in|report|text (?:him|her|them)|call (?:him|her|them)|send (?:him|her"
        r"|them)) {W4}(?:every (?:hour|few hours|minute|30 minutes|half hour|few minutes)"
        r"|constantly|all day|at all times|every time i|whenever i)",
        not_if=_AGREED,
    ),
    _rule(
        r"(?:hurts|hurt|hurting|hits|hit|hitting|beats|beat|beating|abuses|abused) me and"
        r" (?:the|my|our) (?:kids|children|son|daughter|baby|dog)"
    ),
    _rule(
        r"(?:i am|i m|im|we are) only (?:allowed|permitted) to|only (?:allowed|permitted) to"
        r" (?:leave|go|see|talk|use|have|spend|eat|call|text|visit|drive)"
    ),
    _rule(
        r"(?:feel|feeling|felt|i am|i m|treated|treats me) (?:like )?(?:a |his |her )?"
        r"(?:prisoner|hostage|captive)"
    ),
    # twelfth tuning batch
    _rule(
        r"(?:corners|cornered|cornering|corner|boxes me in|boxed me in|backs me into|backed me"
        r" into) (?:me|a corner)?",
        not_before=r"\b(?:we|i|they|the|cut|cutting|turned|turn|around the)(?: \w+)?",
    ),
    _rule(
        r"(?:fear|afraid|scared|terrified|frightened|fearful) for (?:my|our|the) (?:kids"
        r"|children|baby|son|daughter|dog|pets)"
    ),
    _rule(
        r"(?:checks|checking|checked|tracks|tracking|tracked|monitors|monitoring|looks up"
        r"|looking up|looked up|watches|watching) (?:where i am|my location|where i go|where"
        r" i have been|where i was)",
        not_if=_AGREED,
    ),
    _rule(
        r"(?:calling|texting|calls|texts|messaging|messages) (?:me )?(?:nonstop|non stop"
        r"|constantly|all day|every (?:hour|minute|few minutes)|dozens of times|a hundred times"
        r"|over and over)",
        not_before=r"\b(?:i|we|you)(? \w+){0,2}" if False else r"\b(?:i|we|you)(?: \w+){0,2}",
    ),
    # ninth tuning batch
    _rule(
        r"(?:clench|clenches|clenched|clenching|balls|balled|balling|raises|raised|shakes"
        r"|shook|shaking) (?:his|her|their|a) (?:fist|fists)"
    ),
    _rule(
        r"(?:gets|got|getting|get|comes|came) (?:really |right |so |very )?(?:close to|up"
        r" to|right up to|up in) my face"
    ),
    _rule(r"(?:makes|made|make|forces|forced) me {W4}as (?:a )?punishment"),
    _rule(
        r"(?:makes|made|make|forces|forced) me (?:to )?sleep (?:on the floor|outside|in the"
        r" car|on the porch|in the garage)"
    ),
    _rule(
        r"(?:hide|hiding|hid|stash|stashing|stashed|sneak|sneaking|snuck|save|saving|saved)"
        r" (?:some |a little |my own |extra )?(?:money|cash) (?:from|so) (?:him|her|them|he"
        r"|she|they)"
    ),
    _rule(
        r"(?:monitors|monitored|tracks|tracked|checks|checked|listens to|listened to|records"
        r"|recorded|reads|read|screens|screened|logs|logged) (?:every|each|all of my|all my)"
        r" (?:call|calls|text|texts|message|messages|move|step|purchase|email|emails"
        r"|conversation|conversations|phone call)",
        not_before=r"\b(?:i|we|you)(?: \w+){0,2}",
        not_if=_AGREED,
    ),
    _rule(
        r"(?:does not|do not|never|did not) (?:like|let|allow|want) me (?:leaving|to leave"
        r"|going out|to go out|out of|to go anywhere|going anywhere) {W1}(?:the house|home"
        r"|his sight|her sight|their sight|alone|without)"
    ),
    _rule(
        r"(?:chased|chases|chasing|chase|came after|comes after|went after|goes after|ran"
        r" after|runs after|lunged at|lunges at|charged at|charges at) me"
    ),
    _rule(
        r"(?:me|us) {W6}with (?:a|an|his|her|the) (?:bat|baseball bat|hammer|belt|knife|gun"
        r"|crowbar|golf club|pan|frying pan|bottle|broom|chair|stick|cord|rope|screwdriver)",
        not_before=r"\b(?:i|we|you)(?: \w+)?",
    ),
    # eighth tuning batch
    _rule(
        r"(?:keeps|kept|holds|held|takes|took|has|hoards|hides|controls) (?:all|every cent of"
        r"|every penny of|every dollar of) (?:of )?(?:the |our )?(?:money|cash|finances|savings"
        r"|income)",
        not_before=r"\b(?:i|we)(?: \w+){0,2}",
    ),
    # seventh tuning batch
    _rule(r"(?:gets|got|getting|get) (?:right )?(?:in|into|up in) my (?:personal )?space"),
    _rule(
        r"until i (?:give in|gave in|agree|agreed|submit|submitted|do what|did what|say yes"
        r"|said yes|apologize|apologise|apologized|apologised)"
    ),
    _rule(
        r"(?:no|not any|not have|without|none of) (?:money|cash|bank account|account|card"
        r"|income|savings) (?:of my own|in my name|i can use|i control)"
    ),
    _rule(
        r"(?:checks|checked|counts|counted|inspects|questions) (?:the )?(?:change|receipts"
        r"|mileage|odometer|gas receipts|grocery receipts)"
    ),
    _rule(
        r"(?:to|just to|trying to|tries to|tried to|wants to|likes to|meant to|on purpose to)"
        r" (?:scare|frighten|terrify|intimidate|threaten|hurt|punish|humiliate|control) (?:me"
        r"|us)"
    ),
    _rule(
        r"(?:during|in|while having|while we have|when we have) (?:sex|bed)",
        also=r"(?:hurts|hurt|hurting|stop|no|choke|chokes|choked|hits|slaps|forces|forced"
        r"|pain|cry|crying|do not want|did not want|asleep|sleeping|drunk)",
    ),
    _rule(
        r"(?:will not|does not|would not|did not|never|refuses to|refused to) stop (?:when"
        r"|even when|after|if|even after|even if) i (?:say|said|tell|told|ask|asked|beg|begged"
        r"|cry|cried|scream|screamed|push|pushed|beg)",
        not_before=r"\b(?:talking|texting|calling|working|drinking|playing|gaming)"
        r"(?: \w+){0,2}",
    ),
    _rule(
        r"(?:pretending to be me|pretends to be me|pretended to be me|impersonat\w* me"
        r"|posing as me|poses as me|posed as me|logged in as me|logs in as me)"
    ),
    _rule(
        r"(?:threw|throws|tossed|tosses|dumped|dumps|put|puts) (?:all )?(?:of )?my (?:clothes"
        r"|stuff|things|belongings) (?:out|outside|on the (?:lawn|street|curb|porch)|into the"
        r" (?:street|yard|rain))"
    ),
    _rule(
        rf"{_HIT} (?:the kids|my kids|our kids|the children|our children|my children|the"
        r" baby|our baby|my baby|our son|our daughter|my son|my daughter|the dog|our dog)"
    ),
    _rule(r"(?:smacks|hits|slaps|beats|kicks|punches|shoves|spanks|whips) {W4}(?:and|or) me\b"),
    _rule(
        r"(?:sits|sat|sitting|waits|waited|waiting|parks|parked|parking|lurks|lurking|hangs"
        r" around|hung around|drives by|drove by|drives past|drove past|keeps driving by"
        r"|circles|circled) (?:\w+ )?(?:outside|near|by|in front of|across from|around"
        r"|past) (?:my|where i)"
    ),
    _rule(
        r"(?:on lockdown|under lock and key|on a (?:tight |short )?leash|under surveillance"
        r"|micromanages my (?:life|every)|controls my (?:whole|entire) life)"
    ),
    # sixth tuning batch
    _rule(
        r"(?:punching bag|punch bag|me (?:as|like) (?:a|his|her|their) (?:slave|property"
        r"|servant|prisoner|possession))",
        not_before=r"\b(?:new|heavy|boxing|bought|buy|gym|hang|hung)(?: \w+)?",
    ),
    _rule(
        r"(?:afraid|scared|terrified|frightened|petrified|fearful|nervous|uneasy|unsafe)"
        r" (?:to |of )?(?:be|being|stay|staying|live|living|sleep|sleeping|go|going|come"
        r"|coming) {W6}(?:with|around|near|as|alone with|next to|home to|back to|under the same"
        r" roof as) (?:him|her|them|my {PARTNER})\b"
    ),
    _rule(
        r"(?:paycheck|paychecks|salary|wages|money|income|earnings|check) {W4}(?:into|to) "
        r"(?:his|her|their) (?:account|pocket|wallet|bank|name)"
    ),
    _rule(
        r"(?:tells?|told|decides?|decided|dictates?|chooses|picks|controls?) {W3}(?:which"
        r"|what|who|where|when|how much) {W2}i (?:am|was) (?:allowed|permitted) to"
    ),
    _rule(
        r"(?:make|makes|made|making) (?:my|your) life (?:a )?(?:living )?hell",
        not_before=r"\b(?:work|job|boss|kids|in laws|inlaws|mother in law|parents|school)"
        r"(?: \w+){0,2}",
    ),
    _rule(
        r"if i (?:ever )?(?:go to|call|called|tell|told|went to|report|reported|contact"
        r"|contacted) (?:the )?(?:police|cops|911|authorities|a lawyer|my family|anyone)",
        also=r"(?:he|she|they) (?:will|would|said|says|swore|threatened|threatens)",
    ),
    _rule(
        r"(?:birth certificate|social security card|green card|visa|immigration papers"
        r"|immigration status|deported|deport me|work permit)",
        also=r"(?:keeps|kept|took|takes|hides|hid|threaten\w*|holds|withholds|report|call"
        r"|calls|get me|have me|will|would)",
    ),
    _rule(
        r"(?:gun|guns|knife|knives|weapon|weapons|rifle|rifles|pistol|firearm|firearms)"
        r" {W8}(?:use (?:it|them|one)|using (?:it|them)|shoot|kill|at me|on me)"
    ),
    _rule(
        r"(?:beg|begs|begged|begging|grovel|grovels|groveling|plead|pleading) (?:him|her"
        r"|them) (?:for )?(?:\w+ )?(?:money|cash|permission|my own money|my card|the car"
        r"|the keys|food)"
    ),
    _rule(
        r"(?:choke|chokes|choked|choking|strangle|strangles|strangled|strangling|throttled)"
        r" (?:me|us)",
        not_before=r"\b(?:it|this|that|which|what|news|words)(?: \w+)?",
        not_after=r"up\b",
    ),
    _rule(
        r"(?:lock|locks|locked|locking) {W3}(?:door|doors|myself in|myself away) {W4}"
        r"(?:because of|from|so|when|in case) (?:him|her|them|he|she|they|my {PARTNER})"
    ),
    _rule(r"(?:sleep|sleeping|slept) with (?:my|the|our) (?:door|bedroom door) locked"),
    _rule(r"(?:i get|i got|i am|i was|get|gets|got) punished|(?:punishes|punished|punish) me"),
    # fifth tuning batch
    _rule(
        r"(?:left|leaves|leaving|leave) (?:marks|a mark|bruises|a bruise|scars|a scar|welts"
        r"|scratches)"
    ),
    _rule(
        r"(?:takes|took|take|taking|keeps|kept|keep|controls|controlled|spends|spent|steals"
        r"|stole|pockets|pocketed) (?:all |every cent of |every penny of )?(?:of )?(?:the|my"
        r"|our) (?:money|cash|paycheck|pay|income|earnings|wages|salary|tips) (?:i|that i)"
        r" (?:make|made|earn|earned|get|got|bring|brought)"
    ),
    _rule(
        r"(?:scared|afraid|terrified|frightened|anxious|panic|panicked|dread|nervous|shaking"
        r"|shake|tense up|freeze) (?:up )?(?:when|whenever|every time|each time|as soon as"
        r"|the moment) (?:i hear |i see |i hear that )?(?:he|she|they|him|her|his|my {PARTNER})"
        r"\b",
        not_after=r"(?:is|are|was|were) (?:late|away|gone|out|traveling|travelling|on (?:a|his"
        r"|her) (?:trip|phone))|(?:leaves|travels|goes out|goes away|is away|texts (?:her|his"
        r"|other)|talks about (?:leaving|divorce))",
    ),
    _rule(
        r"(?:scared|afraid|terrified|frightened|anxious|panic|dread|nervous) {W4}(?:his|her"
        r"|their) (?:car|key|keys|footsteps|truck|voice|tone|door) {W2}(?:pull|pulls|in the door"
        r"|turn|turns|coming|come|outside|raised|rising|change|changes)"
    ),
    _rule(
        r"(?:watches|watched|watching|records|recorded|recording|spies on|spied on|films"
        r"|filmed|filming|monitors) me (?:through|with|on|via|while|when|sleep|in the"
        r"|constantly|all the time|24 7)"
    ),
    _rule(
        r"(?:cameras|camera|hidden camera|hidden cameras) (?:in|around|on) (?:the|our|my) "
        r"(?:bedroom|bathroom|room|car)"
    ),
    _rule(
        r"me (?:into|against|onto|down|on|up against) (?:the |a |my |our )?(?:wall|walls|door"
        r"|doors|floor|ground|table|car|counter|fridge|bed|couch|stairs|dresser|window|cabinet"
        r"|cabinets|railing|mirror|bathtub|tub|sink)",
        not_before=r"\b(?:i|we|you|it|help|helped|helps|lay|laid|sat|sit|tucked)(?: \w+)?",
    ),
    # fourth tuning batch
    _rule(
        r"(?:show|shows|showing|give|justify|explain|account for|report|hand) (?:him |her "
        r"|them )?(?:every|each|all (?:my|the)) (?:receipt|receipts|purchase|purchases|penny"
        r"|cent|dollar|expense|expenses|transaction|transactions|minute|hour|second|moment"
        r"|move)"
    ),
    _rule(
        r"(?:makes|decides|controls|made|decided|controlled) (?:all|every one of) (?:the |our )?"
        r"(?:money|financial|spending) (?:decisions|choices)"
    ),
    _rule(
        r"(?:monitors|monitored|tracks|tracked|checks|checked|controls|controlled|questions"
        r"|scrutinizes|scrutinises|audits) (?:all of |all |every )?(?:my )?(?:spending"
        r"|purchase|purchases|bank statements|bank account|transactions)",
        not_before=r"\b(?:i|we)(?: \w+){0,2}",
    ),
    _rule(
        r"(?:asks|asked|demands|demanded|makes me send|made me send|wants|wanted|insists on)"
        r" {W2}(?:screenshots|screen shots|proof of where|photos of where|pictures of where"
        r"|videos of where)"
    ),
    _rule(
        r"(?:location|tracking|tracks|tracked|tracker|gps) {W3}(?:24 7|all the time|at all"
        r" times|constantly|every minute|every second|every hour|nonstop|around the clock)"
    ),
    _rule(
        r"(?:stopped|stop|quit|gave up|had to stop|can not|can no longer|not allowed to|do not"
        r"|never) (?:seeing|see|talking to|talk to|visiting|visit|calling|call|going out with"
        r"|hanging out with|hang out with) (?:my )?(?:friends|freinds|family|sister|brother|mom"
        r"|mother|dad|father|parents|best friend|coworkers|people|sisters|brothers|friend)"
        r" {W4}(?:because|since|cause|or|so|when) (?:he|she|they|my {PARTNER}) {W2}(?:gets"
        r"|get|got|will|would|is|was|does|did|says|said|hates|hated|freaks|flips|goes|loses"
        r"|punishes|accuses|makes|makes me|yells|screams|explodes|rages|sulks)"
    ),
    _rule(
        r"(?:said|says|told me|tells me|warned|warns|threatened|threatens|swore) {W2}(?:i would"
        r"|i will|i am going to|you will|you would|you are going to|i d|i had better|i better)"
        r" {W1}(?:regret|be sorry|pay for|pay\b)"
    ),
    _rule(
        r"(?:not|never) (?:to )?(?:tell|say|talk to) (?:anyone|anybody|a soul|my family|the"
        r" police|people) (?:what|about what) (?:happens|happened|goes on|went on|he does|she"
        r" does|they do|he did|she did)"
    ),
    _rule(
        r"(?:put|puts|sent|sends|landed) (?:me|us) in (?:the )?(?:hospital|er|emergency room"
        r"|icu|a cast|a neck brace)"
    ),
    _rule(
        r"(?:hurt|hurts|injured|injures) me",
        not_before=r"\b(?:it|this|that|which|what|words|lies)(?: \w+)?",
        also=r"(?:er|emergency room|hospital|urgent care|doctor|stitches|bruises|bruised"
        r"|bleeding|bled|x ray|cast|concussion|injury|injuries|injured|broken bone|cops"
        r"|police)",
    ),
    _rule(
        r"(?:not sure|do not know if|do not know whether|wonder if|wondering if|unsure if) i"
        r" am (?:safe|going to be safe|in danger)"
    ),
    _rule(r"\bi (?:fear|dread) (?:him|her|them|my {PARTNER}|for my)"),
    _rule(
        r"(?:he|she|they|my {PARTNER}) (?:is|are|can be|gets|becomes|was|has become|could be"
        r"|might be) {W1}(?:dangerous|scary|frightening|terrifying|menacing)",
        not_after=r"(?:good|handsome|attractive|smart|funny|charming)\b",
    ),
    _rule(
        r"(?:abuse|abused|abuser)",
        not_before=r"\b(?:substance|drug|drugs|alcohol|opioid|opiate|child|childhood|elder"
        r"|animal|prescription|pill|pills|of|mom|mother|dad|father|parents|uncle|stepdad"
        r"|stepfather|grandfather|brother|family)",
        not_after=r"of (?:trust|power|alcohol|drugs|substances|the system|my trust|position)"
        r"|as a (?:child|kid|teen|teenager)|when i was|growing up|in my (?:childhood|family)"
        r"|(?:alcohol|drugs|substances|pills|opioids)\b",
    ),
    _rule(
        r"(?:can not|can no longer|am not allowed to|not allowed to|no longer) (?:see|talk to"
        r"|visit|call|text|meet|contact) (?:my )?(?:friends|family|sister|brother|mom|mother"
        r"|dad|father|parents|best friend|kids|children) (?:anymore|any more|because (?:he"
        r"|she|they)|without (?:him|her|them))"
    ),
    # third tuning batch
    _rule(r"(?:keeps|keep|keeping|kept) (?:close )?tabs on (?:me|my|everything|where)"),
    _rule(r"only (?:lets|let|allows|allow|gives|give|allowed) me"),
    _rule(
        r"(?:will|would|ll|going to|gonna|threatened to|threatens to|threatening to|said (?:he"
        r"|she|they) would|swore) {W2}(?:burn|torch|set fire to|blow up|smash|destroy|wreck"
        r"|trash|burn down) {W2}(?:house|home|apartment|place|car|stuff|things|belongings"
        r"|everything|my)"
    ),
    _rule(r"with (?:me|us|the kids|my kids) (?:still )?(?:in it|inside)"),
    _rule(
        r"(?:screams|screamed|screaming|scream|yells|yelled|yelling|yell|shouts|shouted"
        r"|shouting|gets|got|getting|spits|spat|gets right|got right) (?:right )?(?:in|into)"
        r" my face"
    ),
    _rule(
        r"until i (?:cry|cried|shake|shook|beg|begged|bleed|bled|pass out|passed out"
        r"|black out|blacked out|apologize|apologise)",
        not_before=r"\b(?:laugh|laughed|laughing|myself)(?: \w+){0,3}",
    ),
    _rule(
        r"(?:afraid|scared|terrified|frightened|too scared|too afraid|nervous) (?:to|of) "
        r"(?:be|being) (?:alone )?(?:with|around|near|in the same room as|home with|home alone"
        r" with) (?:him|her|them|my)"
    ),
    _rule(
        r"(?:will not|does not|would not|never|can not get (?:him|her|them) to) (?:stop|leave"
        r" me alone)(?: {W2}(?:texting|calling|messaging|contacting|following|showing up"
        r"|harassing|sending|emailing|stalking|watching|driving by|coming))?",
        not_after=r"(?:his|her|their|other|the|that|this|with|at|on|about|to|for|from|in)\b"
        r"|(?:texting|calling|messaging|contacting|sending|emailing) (?!me\b)"
        r"|(?:complaining|drinking|lying|cheating|gambling|working|playing|watching|talking"
        r"|spending|smoking|using|nagging|crying|eating|arguing|fighting|criticizing"
        r"|criticising|bringing|asking|checking|looking|scrolling)\b",
    ),
    _rule(
        r"(?:harass|harasses|harassed|harassing|harassment|blackmail|blackmails|blackmailed"
        r"|blackmailing)"
    ),
    _rule(
        r"(?:hand|hands|handing|handed|give|gives|giving|gave|turn|turns|turned|sign|signs"
        r"|signed|transfer|transfers|deposit|deposits) (?:over )?(?:all )?(?:of )?my "
        r"(?:paycheck|paychecks|money|wages|salary|earnings|check|checks|card|cards|income"
        r"|tips|savings|pay)",
        not_before=r"\b(?:i|we)(?: (?:will|would|always|usually|just|happily|gladly))?",
    ),
    _rule(
        r"(?:have to|has to|must|make me|makes me|made me|forced to|forces me to|forced me to"
        r"|expects me to|expected to) {W2}(?:give|hand|turn|sign|transfer|deposit|put) "
        r"{W3}(?:paycheck|paychecks|money|wages|salary|earnings|check|card|income|tips)"
    ),
    _rule(
        r"(?:threw|throws|throw|thrown|throwing|poured|pours|pour|spilled|dumped|dumps"
        r"|splashed|splashes) {W3}(?:on|at|over|onto|in) (?:me|my {BODY})",
        not_after=r"back|when|for",
    ),
    _rule(
        r"what (?:mood|kind of mood|state) (?:he|she|they) (?:will|is|would|might|will be"
        r"|is going to) {W1}(?:be )?in"
    ),
    _rule(r"on edge (?:around|with|when|whenever|every time) (?:him|her|them|he|she|they|my)"),
    _rule(
        r"(?:non consensual|nonconsensual|without my consent|without consent|did not consent"
        r"|never consented|could not consent|drugged me|spiked my drink)"
    ),
    _rule(r"(?:forbids|forbade|forbid|forbidden|banned|bans) (?:me|to)"),
    _rule(
        r"(?:has|have|had|needs) to approve|approves? (?:of )?(?:everything|what i|who i"
        r"|where i|my (?:clothes|friends|outfits|spending|purchases))"
    ),
)

_SELF = r"(?:myself|my self|me)"
_SELF_HARM: tuple[Rule, ...] = (
    _rule(
        r"(?:tells|told|telling|says|said|saying|wants|wanted|wishes|wished|screams|screamed"
        r"|yells|yelled) (?:me |that )?(?:to |i should |i would |that i should )?(?:go )?"
        r"(?:just )?(?:kill (?:yourself|myself|my self)|die|drop dead)"
    ),
    _rule(
        r"(?:kill|killing|killed|kil|hurt|hurting|harm|harming|cut|cutting|burn|burning"
        r"|off|offing|hang|hanging|shoot|shooting|drown|drowning|poison|poisoning|starve"
        r"|starving|overdose|overdosing|suffocate|suffocating|strangle|stab|stabbing|end"
        r"|ending|punch|punching|hit|hitting|scratch|scratching|bruise|beat|beating"
        r"|mutilate) (?:myself|my self)",
        not_after=r"(?:off|out|up)\b|(?:at|over) (?:work|my job|the office|school)|trying"
        r"|working|to (?:make|pay|keep|get|finish|please|work|prove)|for (?:work|nothing"
        r"|this family|them|him|her)|in the gym|at the gym|with work|on (?:the|a) ",
    ),
    _rule(r"(?:end|ending|ended|take|taking|took|end of) my (?:own )?life"),
    _rule(
        r"(?:self harm|self harmed|self harmer|cutter|suicide|suicidal|suicidality"
        r"|suicide attempt)",
        not_before=r"\b(?:threat\w*|threatened|his|her|their|he is|she is|they are|he was"
        r"|she was|they were|brothers|sisters|dads|moms|fathers|mothers|friends|sons"
        r"|daughters|husbands|wifes|partners)(?: to)?(?: commit)?",
        not_after=r"prevention month|awareness|(?:hotline|line) number for (?:him|her)",
    ),
    _rule(
        r"(?:want|wanted|wanting|wants|wish|wished|wishing|ready|deserve|deserved|hope"
        r"|hoping|pray|praying|like|would like|going|longing|long|need|needing) "
        r"(?:to )?(?:just |simply |really )?(?:die|be dead|not exist|stop existing|not be alive"
        r"|disappear forever|disappear for good|disappear permanently|be gone forever"
        r"|cease to exist|not be here anymore|not be around anymore)",
        not_before=r"\b(?:he|she|they|him|her|them)(?: \w+)?",
        not_after=r"than\b|of (?:laughter|embarrassment|boredom|shame)|laughing",
    ),
    _rule(
        r"(?:wish|wished|wishing) (?:i|that i) {W2}(?:dead|die|died|born|alive|exist|existed"
        r"|wake up|disappear|disappeared|here|around|gone forever|never been)",
        not_before=r"\b(?:never|not)(?: \w+)?",
        not_after=r"(?:with|for|to|when|in|at|on|because|so|this|that|instead|during|now"
        r"|yet)\b",
    ),
    _rule(
        r"(?:hope|hoping|wish|wishing|want|wanting|pray|praying|rather|like to|would|just) "
        r"{W6}(?:not|never|did not|do not|would not|will not) (?:to )?(?:wake|woke) up"
    ),
    _rule(r"(?:sleep forever|sleep and never|eternal sleep|go to sleep forever|sleep for ever)"),
    _rule(
        r"better off (?:dead|without me|if i (?:was|were|am|had|did|died|never|was not"
        r"|were not|am not|wasnt|had not)|with me gone|with me dead|when i am gone"
        r"|once i am gone|me gone)"
    ),
    _rule(
        r"(?:no|not any|zero|not a|nothing) (?:point|reason|purpose|use|meaning|will|desire"
        r"|want) (?:in |to |of |for )?(?:me )?(?:\w+ )?(?:going on|go on|living|live|life"
        r"|being alive|be alive|being here|existing|exist|staying alive|stay alive|keep going"
        r"|keep living|carrying on|carry on|continuing|continue|trying anymore|anything"
        r"|waking up|wake up|getting up|me being here|my existence|tomorrow|be here|be around"
        r"|stay|stick around)",
        not_after=r"with (?:him|her|them|this|the|my)|together|as a couple|in this",
    ),
    _rule(
        r"(?:nothing|nobody|no one|noone|no reason) (?:left )?(?:to|worth) (?:live|living) "
        r"for"
    ),
    _rule(
        r"(?:not|is not|no longer|never) worth (?:living|it anymore to live|being alive"
        r"|staying alive|the pain|waking up|going on|fighting for)"
    ),
    _rule(
        r"(?:life|living|my life|existence|being alive) (?:is |feels )?(?:not|no longer) "
        r"worth"
    ),
    _rule(
        r"(?:point|purpose|reason|meaning) (?:of|in|to|for) (?:living|life|being alive"
        r"|going on|existing|my life|keep going|keep living|staying alive|carry on|carrying on"
        r"|waking up)",
        not_before=r"\b(?:the|a) (?:whole|only|main|real)",
        not_after=r"together|as a couple|with (?:him|her|them)",
    ),
    _rule(r"reason to (?:live|keep living|go on|keep going|stay alive|be alive|wake up|exist)"),
    _rule(
        r"(?:can not|could not|do not want to|did not want to|not want to|no longer want to"
        r"|do not know how to|unable to|not able to|can no longer|no longer|do not wish to"
        r"|not sure i (?:can|want to)|do not think i can|not feel like|do not feel like"
        r"|never want to) {W1}(?:go on|keep going|keep living|live|be alive|exist|carry on"
        r"|be here|do life|continue living|stay alive|be around|wake up|go on living"
        r"|continue|survive|keep doing life|do this life|live anymore)",
        not_after=r"like this|with (?:him|her|them|this|the|my|someone|a|you)|without"
        r"|in (?:this|that|the|our)|together|there|here with|a lie|for (?:him|her)"
        r"|doing this|with it|it down|if (?:he|she|they)|near|so far|apart|next to|alone",
    ),
    _rule(
        r"(?:tired of|sick of|exhausted by|exhausted from|done with|finished with|over) "
        r"(?:living|life|being alive|existing|it all|everything|this life|my life|waking up)",
        not_before=r"\b(?:he|she|they|him|her|them)(?: \w+)?",
    ),
    _rule(r"(?:give|giving|gave|given) up on (?:life|living|myself|everything|it all)"),
    _rule(
        r"(?:want|wish|need|wanting|wished|wishing) (?:it all|everything|my life|all of it"
        r"|life|the pain|all this|all of this|this life) (?:all )?to (?:end|stop|be over"
        r"|just end|finally end|finally stop)",
        not_after=r"with (?:him|her|them)|between",
    ),
    _rule(
        r"(?:end|ending|ended) (?:it all|everything|things for good|it for good|it"
        r" permanently|my suffering|the pain for good|myself)",
        not_after=r"with (?:him|her|them)|between|(?:in|on) (?:the|our)",
    ),
    _rule(
        r"(?:i am|i feel|i m|feel|feeling|i have become|i became) (?:like |that )?(?:such |just"
        r" |only |nothing but |a huge |a big )?(?:a )?(?:burden|a burden)",
        not_after=r"(?:to|on|for) (?:nobody|no one|noone|anyone|anybody)\b",
    ),
    _rule(
        r"burden (?:to|on|for) (?:everyone|everybody|my family|my kids|my children|them"
        r"|others|people|the people|my friends|my partner|my husband|my wife|him|her|all)"
    ),
    _rule(
        r"(?:no one|nobody|noone|anyone|everyone|everybody|would not|none of them|would they"
        r"|would even|would anyone) {W3}(?:care|notice|miss me|be happier|be better|be"
        r" relieved|be fine|be okay|be ok|be glad) {W3}(?:if|when|once) i (?:was|were|am"
        r"|had|just|died|die|disappeared|disappear|did not|was not|were not|wasnt|killed"
        r"|left this world|am gone|was gone|were gone|stopped existing|never|ended)"
    ),
    _rule(
        r"if i (?:died|die|disappeared|disappear|was gone|were gone|was dead|were dead"
        r"|killed myself|was not here|were not here|was not around|were not around"
        r"|did not exist|was not alive|ended it|stopped existing|were to die|was to die)"
        r" {W4}(?:no one|nobody|noone|would not|would anyone|would even|would they|care"
        r"|notice|miss|better|happier|relieved)"
    ),
    _rule(
        r"(?:goodbye|good bye|suicide|farewell) (?:letter|letters|note|notes|message|messages"
        r"|video|videos)"
    ),
    _rule(
        r"(?:giving|give|gave|given) away (?:my|all my|all of my) (?:stuff|things|belongings"
        r"|possessions|pets|clothes|books)"
    ),
    _rule(
        r"(?:saying|say|said|to say) goodbye to (?:everyone|everybody|my kids|my family"
        r"|my friends|the world|life)"
    ),
    # methods
    _rule(
        r"(?:jump|jumping|jumped|throw myself|throwing myself|leap|leaping) (?:off|from"
        r"|in front of|into|out of|under) {W1}(?:a |the |my )?(?:bridge|building|roof|cliff"
        r"|train|car|bus|balcony|window|truck|highway|overpass|parking garage|ledge|tower"
        r"|river|lake|sea|ocean|traffic|subway|metro|apartment)"
    ),
    _rule(
        r"(?:drive|driving|drove|driven|crash|crashing|crashed|steer|steering|swerve"
        r"|swerving|swerved|run|running) {W3}(?:into|off|in front of) {W1}(?:a |the )?"
        r"(?:tree|wall|bridge|cliff|road|traffic|oncoming|river|lake|pole|truck|semi|lorry"
        r"|barrier|guardrail|overpass)",
        not_before=r"\b(?:he|she|they|him|her|them)(?: \w+)?",
    ),
    _rule(
        r"(?:step|stepping|stepped|walk|walking|walked|run|running) (?:out )?(?:into|in front"
        r" of|onto) {W1}(?:traffic|a train|a bus|a car|a truck|the train|the tracks|the road"
        r"|the highway)"
    ),
    _rule(
        r"(?:slit|slitting|slice|slicing|cut|cutting|open|opening) (?:my|both) (?:wrist"
        r"|wrists|veins|throat)"
    ),
    _rule(
        r"i {W3}(?:burn|burned|burnt|burning|cut|cuts|cutting|scratch|scratched|scratching"
        r"|carve|carved|carving|hit|hitting|punch|punching|bang|banging|bite|biting|pick"
        r"|picking|pull|pulling) {W1}(?:my|on my) (?:arm|arms|wrist|wrists|leg|legs|thigh"
        r"|thighs|skin|stomach|body|head|hands|hips|ankles)",
        not_after=r"on (?:the|a) (?:door|cabinet|shelf|table|counter|wall|car|corner)"
        r"|by accident|accidentally|at the gym|while cooking|cooking|shaving",
    ),
    _rule(
        r"(?:started|start|starting|been|am|keep|kept|back to|relapsed|relapse|relapsing"
        r"|urge to|urges to|want to|wanting to|thinking about|think about|thought about"
        r"|began|begun|resumed) {W1}(?:cutting|burning myself|self harm)",
        not_after=r"(?:back|corners|ties|him|her|them|off|down|out|class|school|work|costs"
        r"|hair|carbs|sugar|calories|the|my|our|people|expenses|spending|contact)\b",
    ),
    _rule(
        r"(?:noose|nooses|hang myself|hanging myself|hanged myself|buy a rope|bought a rope"
        r"|bought rope|get a rope|got a rope|tie a rope|tied a rope|have a rope|rope around"
        r"|a rope|the rope)",
        not_before=r"\b(?:jump|skipping|skip|climbing|climb|tow|the)",
        not_after=r"(?:course|swing|bridge|ladder|climbing|toy)\b",
    ),
    _rule(
        r"(?:gun|pistol|bullet|revolver|shotgun|rifle) (?:to|in|into|through) my (?:head"
        r"|mouth|temple|chest|brain)",
        # someone else holding it there is partner violence, not self-harm
        not_before=r"\b(?:he|she|they|husband|wife|partner|boyfriend|girlfriend|ex)(?: \w+){0,4}",
    ),
    _rule(
        r"(?:shoot|shooting|blow|blowing|put a bullet in|bullet in) (?:myself|my brains|my "
        r"head)"
    ),
    _rule(
        r"(?:take|taking|took|taken|swallow|swallowing|swallowed|down|downing|downed|overdose"
        r" on|overdosing on|overdosed on|chug|chugging|chugged|gulp|gulped) {W1}(?:all|every"
        r"|the whole bottle of|a whole bottle of|a bottle of|the bottle of|bottles of|a bunch of"
        r"|a handful of|handfuls of|enough|too many|too much|lots of|a lot of|a ton of|dozens"
        r"|all the|all of the|all my|all of my|a pile of)(?: of)?(?: (?:my|the|his|her"
        r"|those|these|our))? {W1}{PILLS}"
    ),
    _rule(
        r"(?:sav|saved|saving|save|stockpile|stockpiled|stockpiling|hoard|hoarded|hoarding"
        r"|collect|collected|collecting|stash|stashed|stashing|stockpil|storing|stored) "
        r"{W2}(?:up )?(?:my |the |some |extra |enough )?{PILLS}"
    ),
    _rule(
        r"how many {W2}{PILLS} (?:it )?(?:would|it would|will|does it|do i|to|i would|i need"
        r"|it takes|would it|could)"
    ),
    _rule(r"(?:enough|lethal|deadly|fatal) (?:\w+ )?(?:{PILLS}|dose|amount|overdose)"),
    _rule(
        r"(?:overdose|overdosed|overdosing|overdoses|overdosed on purpose|od|took an overdose"
        r"|on purpose overdose)",
        not_before=r"\b(?:he|she|they|husband|wife|partner|boyfriend|girlfriend|brother"
        r"|sister|son|daughter|friend|mom|dad|mother|father|his|her|their|fiance|ex|cousin"
        r"|uncle|aunt|people|someone|somebody)(?: \w+){0,2}",
        not_after=r"(?:of|on) (?:love|coffee|caffeine|sugar|work|tv|netflix)|(?:kit|kits"
        r"|prevention|training|antidote)\b",
    ),
    _rule(r"(?:suicide|crisis) (?:hotline|line|lifeline)|988|crisis text line|called a hotline"),
    # second tuning batch: more general wordings
    _rule(
        r"(?:feel|feeling|felt) like (?:dying|to die|i want to die|ending it|ending my life"
        r"|killing myself|disappearing forever)",
        not_after=r"(?:of|from) (?:laughter|embarrassment|shame|boredom)|laughing",
    ),
    _rule(
        r"(?:thinking|think|thought|thoughts|obsessed|fixated) (?:about|of) (?:death|dying"
        r"|being dead|not being here|not existing|suicide|ending it|ending things for good)",
        not_after=r"of (?:a|my|his|her) (?:parent|dad|mom|father|mother|grandma|grandpa|dog)",
    ),
    _rule(
        r"(?:do not|would not|not|no longer|never) care (?:if|whether) i (?:live|die|wake|am"
        r" alive|am dead|survive)"
    ),
    _rule(
        r"(?:ways|way|how|methods|method|best way|easiest way|painless way|quickest way) to "
        r"(?:die|kill myself|end it|end my life|overdose|commit|disappear forever|not wake up"
        r"|hang myself)"
    ),
    _rule(r"painless (?:way|death|method|ways)"),
    _rule(
        r"(?:attempted|attempt|attempts|tried) (?:suicide|before|to end it|to end my life"
        r"|to kill myself|to die|twice|once)",
        not_before=r"\b(?:he|she|they|his|her|their)(?: \w+){0,2}",
        not_after=r"(?:to|at|with) (?:talk|fix|make|save|change|get|work|couples|therapy)",
    ),
    _rule(
        r"(?:urge|urges|want|wanting|need|needing|itch|itching|tempted|craving) to (?:cut"
        r"|burn|hurt|harm|bleed|punish) (?:myself|again|my)?",
        not_after=r"(?:back|down|off|ties|him|her|them|out|corners|costs|class|the|our|my hair"
        r"|his|people|contact|bridges)\b",
    ),
    _rule(
        r"(?:razor|blade|blades|knife|lighter) (?:to|on|against|across|into) my (?:arm|arms"
        r"|wrist|wrists|skin|leg|legs|thigh|thighs|body|stomach)"
    ),
    _rule(
        r"(?:not|never) (?:going to |gonna )?be (?:around|here|alive) (?:for )?(?:much )?"
        r"(?:longer|long|anymore|soon|next)"
    ),
    _rule(
        r"(?:my life|life|living|existence|being alive|existing|everything) (?:is|feels|seems"
        r"|has become|became) (?:so |completely |totally |just |utterly )?(?:pointless"
        r"|meaningless|not worth it|not worth living|unbearable|hopeless)",
        not_before=r"\b(?:sex|our|my|the|married|marriage|love|work)(?: \w+)?",
    ),
    _rule(
        r"(?:use|using|used|turn|turning|turned) (?:it|them|the gun|the knife|a gun|a knife) on"
        r" myself|(?:thought|thinking|think|thoughts) about using (?:it|them|the gun|the pills"
        r"|the knife|the rope)"
    ),
    _rule(
        r"(?:want|wanna|wish i could|wish to|would like|just want|need|wanting) (?:to )?"
        r"(?:just )?(?:disappear|vanish)",
        not_after=r"for (?:a|the) (?:weekend|while|few|day|week|night|bit)|to (?:a|the|an|my)"
        r"|from (?:social|here for|the party|this party|work)|into (?:my|a|the) (?:room|book"
        r"|work)|on (?:vacation|holiday)|with (?:him|her|them)|together",
    ),
    _rule(
        r"(?:hope|hoping|pray|praying|wish|wishing) (?:that )?i {W2}(?:die|get hit|get killed"
        r"|do not wake|never wake|crash|get sick and die|do not make it|die in my sleep)"
    ),
    _rule(
        r"(?:hope|hoping|pray|praying|wish|wishing) {W3}(?:hits|hit|kills|kill|runs over"
        r"|run over|takes) me",
        not_after=r"up\b|back\b",
    ),
    _rule(
        r"(?:ending|end) it(?: all)?",
        not_before=r"\b(?:not|never|he|she|they|we)(?: \w+){0,2}",
        not_after=r"with|between|for (?:us|good with)|(?:our|the|this|my) (?:relationship"
        r"|marriage|engagement|affair)|and (?:move|start|go|find|date|leave|try)|soon|or"
        r" not|amicably|officially|properly|now|there|here|so|early|before",
    ),
    _rule(
        r"(?:not|never|no longer|stop) (?:being|be) (?:here|around|alive)",
        not_before=r"\b(?:(?:he|she|they|him|her|them|you)(?: \w+){0,3}|will|will be"
        r"|can not be|could not be)",
        not_after=r"(?:with|for|when|at|in|to|on|because|during|tonight|today|tomorrow"
        r"|this|next|until|till|after|before|much|as|so|yet|right)\b",
    ),
    _rule(r"(?:not|never|no longer|stop) (?:existing|exist)\b"),
    _rule(
        r"(?:everyone|everybody|the world|they|my family|my kids|my children|people|all"
        r"|the kids|it|things|life|the world) (?:would|will|d|might) (?:all )?be {W1}(?:fine"
        r"|better|happier|okay|ok|easier|a better place|lighter|relieved) {W2}without me"
    ),
    _rule(
        r"(?:better|happier|easier|lighter|a better place) (?:off )?(?:without me|with me gone"
        r"|with me dead|if i (?:was|were) gone|if i (?:was|were) not (?:here|around|alive)"
        r"|if i (?:was|were) dead|if i died|if i disappeared)"
    ),
    # broader rules after the first held-out figures (84.6% recall), each from our own phrases:
    # wishes and thoughts of dying in any order, standing at an edge, whole bottles, scars
    _rule(
        r"(?:want|wanted|wanting|wish|wished|wishing|hope|hoping|think|thinking|thought"
        r"|thoughts|pray|praying|long|longing|ready|rather|deserve|deserved|plan|planning"
        r"|planned|tempted|tempting|urge|urges|dream|dreaming|fantasize|fantasise"
        r"|fantasizing|fantasising|obsess|obsessing|welcome) {W4}(?:die|dying|dead|death|not"
        r" wake|never wake|not exist|stop existing|disappear forever|end it all|be gone"
        r" forever|never come back|not be alive)",
        not_after=r"(?:than|of (?:laughter|embarrassment|boredom|shame|curiosity|old age)"
        r"|down|off|out|inside|end|set|tired|serious|to (?:know|see|try|hear|get|fix|have"
        r"|find|meet|tell|go|talk|ask|make))\b",
        unless=r"\b(?:he|she|they|him|her|them|his|their|its|it|someone|somebody|mom|dad"
        r"|mother|father|grandma|grandpa|grandmother|grandfather|dog|cat|pet|friend|brother"
        r"|sister|relationship|marriage|love|romance|spark|sex|trust|battery|phone|plant"
        r"|plants|conversation|party|argument|topic|fight|issue|subject|tv|show|series"
        r"|character|hair|sure|car)\b",
    ),
    _rule(
        r"(?:lost|losing|lose|have no|have not got|no) (?:the |my |all |any )?(?:will|reason"
        r"|desire|wish|want|motivation|strength) (?:to|for) (?:live|living|go on|keep going"
        r"|continue|be here|exist|wake up|stay alive|life)",
        not_after=r"(?:with|together|in this|for us|for the (?:marriage|relationship))\b",
    ),
    _rule(
        r"(?:stood|stand|standing|sat|sit|sitting|went|go|going|drove|drive|driving|walked"
        r"|walk|walking|climbed|climb) (?:on|at|to|up to|onto|out on) (?:the |a )?(?:edge"
        r"|ledge|bridge|roof|rooftop|tracks|railing|train tracks|cliff|overpass)",
        not_after=r"(?:of (?:my seat|the bed|the pool|the couch|the world|town)|for (?:dinner"
        r"|a walk|fun|the view|sunset|a picnic|a date))\b",
    ),
    _rule(
        r"(?:take|took|taking|taken|swallow|swallowed|swallowing|down|downed) (?:the whole"
        r"|a whole|an entire|the entire|all of the|a full) (?:bottle|pack|box|packet|strip"
        r"|blister|prescription|supply)"
    ),
    _rule(r"(?:clean|sober|free) (?:from|of) (?:cutting|self harm|self injury|hurting myself)"),
    _rule(r"(?:fresh|new|old|deep) (?:cuts|scars|wounds|burns) (?:on|in) my"),
    _rule(
        r"(?:relapsed|relapse|relapsing) (?:on |with |into )?(?:cutting|self harm|hurting"
        r" myself|burning myself)"
    ),
    _rule(
        r"(?:do not|not sure|no longer|do not know if|not sure if) (?:think |know if |sure if )?"
        r"i (?:really )?(?:want|wish) to (?:live|be alive|exist|go on|be here|keep living"
        r"|keep going|stay alive)",
        not_after=r"with|together|like this|in (?:this|that|the|our)|there|near|next to",
    ),
    _rule(
        r"(?:no|not see any|can not see any|can not see a|do not see a|do not see any"
        r"|do not have a|there is no) future (?:for me|ahead of me|anymore|left for me)"
    ),
    _rule(
        r"(?:want|wanting|wish|need) (?:it|this|everything|life|it all) (?:all )?over",
        not_after=r"with|between|already|so (?:we|i) can",
    ),
    # ninth tuning batch
    _rule(
        r"(?:favor|favour|kindness) {W4}(?:dying|by dying|if i died|if i was gone|if i were"
        r" gone|by disappearing|by killing myself|if i was dead|if i were dead|by not being"
        r" here|by leaving this world)"
    ),
    _rule(
        r"(?:want|need|wish|wanting|wished) (?:it|this|everything|the pain|things|it all)"
        r" to (?:end|stop|be over) {W1}(?:for good|forever|permanently|once and for all)"
    ),
    _rule(
        r"(?:thinking|think|thought|obsessing|fixating) about (?:the |my |all the |all my"
        r" |those |his |her )?{PILLS}",
        not_after=r"(?:schedule|refill|side effects|dose|dosage|helping|working|prescription"
        r"|insurance|cost)\b",
    ),
    _rule(
        r"(?:carve|carves|carved|carving|etch|etched|etching|scratch|scratches|scratched"
        r"|scratching|cut|cuts|cutting|burn|burns|burned|burning) {W3}(?:into|in|on) my "
        r"(?:skin|arm|arms|leg|legs|thigh|thighs|wrist|wrists|body|stomach|hips)",
        not_before=r"\b(?:he|she|they)(?: \w+){0,2}",
        not_after=r"(?:by accident|accidentally|while cooking|cooking|shaving|at work)\b",
    ),
    # seventh tuning batch
    _rule(
        r"(?:will not|would not|am not going to|not going to) survive",
        also=r"(?:make sure|on purpose|kill myself|end it|end my life|pills|do it)",
    ),
    _rule(
        r"(?:think|thinking|thought|thoughts|dream|dreaming|fantasi[sz]e|fantasi[sz]ing)"
        r" (?:about|of) (?:jumping|falling|stepping off|letting go|driving off|crashing"
        r"|drowning|hanging|not waking)",
        not_after=r"(?:ship|in (?:the|a) (?:pool|lake|ocean|sea)|into (?:a|the|bed|a new)"
        r"|on (?:the|a) (?:bed|trampoline)|at the chance|back|through|the gun)\b",
    ),
    _rule(r"let (?:myself )?(?:die|go for good|slip away|fade away|waste away|bleed out)"),
    _rule(
        r"let it happen",
        also=r"(?:meds|medication|insulin|pills|die|dying|death|dead|overdose|bridge|jump)",
    ),
    _rule(
        r"(?:stop|stopped|stopping|quit|quitting) (?:taking )?(?:my|all my) (?:meds|medication"
        r"|medications|insulin|heart pills|pills) (?:on purpose|so|and let|to see|to die"
        r"|hoping)"
    ),
    _rule(
        r"(?:waste of space|waste of oxygen|waste of air|waste of life|should not exist"
        r"|should not be alive|should not be here|should never have been born|do not deserve"
        r" to (?:live|be alive|exist|be here|breathe))"
    ),
    _rule(
        r"(?:i|i really|i just) (?:should|need to|ought to|have to) (?:just )?(?:disappear"
        r"|die|not exist|be dead|go away forever|vanish)",
        not_after=r"for (?:a|the) (?:weekend|while|few|day|week)|to (?:a|the|an|my)",
    ),
    _rule(
        r"(?:not|no longer|stop) (?:wanting|want) to (?:live|be alive|exist|be here|wake up"
        r"|go on)",
        not_after=r"with|together|like this|in (?:this|that|the|our)|there|near|next to",
    ),
    _rule(
        r"(?:in case|if|before|when|once) i (?:actually |really |finally )?(?:go|went|going"
        r"|follow|followed) through with it"
    ),
    _rule(
        r"(?:letters?|notes?|messages?|videos?) (?:to|for) (?:my|everyone|the) {W2}(?:in case"
        r"|for after|to read after|to find|when i am gone|after i am gone|if i die"
        r"|for when i am)"
    ),
    _rule(
        r"(?:nobody|no one|noone|the world|everyone|anyone|anybody|my family|not a soul)"
        r" (?:does not|do not|would not|will not|wouldnt) (?:even )?(?:need|want|miss) me",
        not_after=r"(?:at|to|for|in|around)\b",
    ),
    _rule(
        r"(?:nobody|no one|noone) (?:needs|wants|would miss|will miss) me",
        not_after=r"(?:at|to|for|in|around)\b",
    ),
    # sixth tuning batch
    _rule(
        r"{PILLS} {W6}(?:just in case|in case|for when|for the day|if i need|if it gets"
        r"|when it gets|ready to go)"
    ),
    _rule(
        r"my life is (?:over|done|finished|pointless|meaningless|worthless|not worth)",
        not_after=r"(?:as i knew|socially|at|in|because of (?:work|school))\b",
    ),
    _rule(r"(?:i|and i) (?:just )?want out", not_after=r"(?:of|now|for|from|with|but)\b"),
    _rule(
        r"(?:do not|no longer|never|did not) (?:want|wish) to (?:live|be alive|exist|go on)",
        not_after=r"with (?:him|her|them|my|this|the|someone|a|you|it)|like this|in (?:this"
        r"|that|the|our)|together|there|here with|a lie|near|apart|next to|alone|this way"
        r"|that way|with",
    ),
    _rule(
        r"(?:how much longer|how long) (?:i|can i|i can) (?:can )?(?:keep going|go on|hold on"
        r"|keep living|last|survive|take it|take this|stay alive|keep fighting)"
    ),
    _rule(
        r"(?:planning|planned|plan|figured out|figuring out|decided|thinking about|thought"
        r" about|worked out|working out) (?:how|when|where) i (?:would|will|could|am going to"
        r"|might|should) (?:do it|end it|go|die|kill|take)"
    ),
    _rule(
        r"(?:hope|hoping|pray|praying|wish|wishing) (?:that )?i (?:\w+ )?(?:get|got|am in|was"
        r" in|have|die in|end up in) (?:in |into )?(?:a |an )?(?:car )?(?:accident|crash|wreck"
        r"|fatal)"
    ),
    # fifth tuning batch
    _rule(
        r"(?:swallow|swallowing|swallowed|take|taking|took|down|downing) (?:everything|all the"
        r" (?:meds|medicine|medicines|pills)|the whole) {W4}(?:medicine cabinet|cabinet"
        r"|bottle|bottles|pharmacy|prescription|drawer)"
    ),
    _rule(
        r"if i (?:was|were|am|would be|had been) (?:dead|not alive|no longer alive|gone for"
        r" good|gone forever|six feet under|in the ground)"
    ),
    _rule(r"if i (?:died|killed myself|ended it|ended my life|was to die|were to die|just died)"),
    _rule(
        r"(?:keep|keeps|kept|keeping|hide|hid|hidden|hiding|have|bought|buy|buying|stash"
        r"|stashed|carry|carrying) {W2}(?:razor|razors|blade|blades|razor blade|razor blades"
        r"|box cutter)",
        not_after=r"(?:in|for) (?:the|my) (?:shower|bathroom|shave|shaving)|to shave|for"
        r" shaving",
    ),
    _rule(
        r"(?:do not|can not|could not|never) (?:see|picture|imagine) (?:myself|me) (?:being )?"
        r"(?:here|around|alive|living|making it|surviving|getting through)",
        not_after=r"(?:with|in (?:this|that|the|a|five|ten|5|10)|at (?:this|that|the)|for"
        r" (?:long|the)|married|together)\b",
    ),
    _rule(
        r"i (?:\w+ )?(?:cut|cuts|cutting|burned|burnt|burn|burning|scratched|carved) (?:again"
        r"|myself|last night|today|yesterday|this week|every night|every day|a lot|deeper"
        r"|too deep)"
    ),
    _rule(
        r"(?:ending|end|ended) (?:things|everything|it|it all|my life) (?:permanently|for ever"
        r"|forever|once and for all)",
        not_after=r"with|between",
    ),
    _rule(
        r"i {W3}(?:be|being|was|were|am) dead",
        not_after=r"(?:tired|broke|serious|wrong|inside|set|end|on|last|sure|beat|asleep"
        r"|quiet|meat|weight|to|in|of|from|man|woman|center|centre|ringer|giveaway"
        r"|heat|silent|against|if)\b",
    ),
    # fourth tuning batch
    _rule(
        r"(?:only|way out|only option|only choice|only answer|only solution|only escape"
        r"|except|besides|other than|nothing but|but|ways out) {W3}(?:dying|death|to die|be dead"
        r"|being dead|ending it|end it|suicide|killing myself|kill myself|end my life"
        r"|ending my life)",
        not_after=r"of (?:a|my|his|her|the) (?:marriage|relationship|friendship)",
    ),
    _rule(
        r"thoughts (?:of|about) (?:death|dying|suicide|ending it|ending my life|killing"
        r"|not being here|not existing|hurting myself|harming myself)"
    ),
    _rule(
        r"(?:no one|nobody|noone|not a single person|not one person) (?:would|will) (?:even )?"
        r"(?:miss me|notice i am gone|notice i was gone|care if i am gone|care if i was gone"
        r"|come to my funeral)"
    ),
    _rule(
        r"(?:pointless|no point|no use|no sense) (?:to |in )?(?:live|living|go on|going on"
        r"|being alive|be alive|carry on|carrying on)"
    ),
    # third tuning batch
    _rule(r"(?:sleep|asleep) (?:forever|for ever|for good|and never|and not wake)"),
    _rule(r"better (?:off )?without (?:a|an|someone|somebody) {W2}like me"),
    _rule(
        r"{PILLS} (?:saved|stashed|stockpiled|hidden|hoarded|put away|set aside|ready|lined up"
        r"|counted)"
    ),
    _rule(r"rather (?:be dead|not be alive|not exist|not wake up|not be here|be gone)"),
    _rule(
        r"(?:point|purpose) (?:of|in|to) (?:anything|any of it|it all|everything|me)",
        not_before=r"\bsee the",
    ),
    _rule(
        r"(?:thinking|think|thought|thoughts|plan|planning|planned|urge|urges) (?:about |of "
        r"|to |on )?(?:killing|kill|ending)",
        not_after=r"(?:him|her|them|someone|somebody|my|his|the|that|this|you|it with"
        r"|things|our|a|an|each)\b",
    ),
    _rule(
        r"(?:out of this life|leave this world|leave this earth|leaving this world|gone from"
        r" this world|not of this world anymore)"
    ),
    _rule(
        r"(?:giv\w*|gave) (?:my|all my|all of my|away my) (?:stuff|things|belongings"
        r"|possessions|pets|clothes)(?: away)?",
        not_before=r"\b(?:he|she|they)(?: \w+){0,2}",
    ),
)

_RULES: dict[Signal, tuple[Rule, ...]] = {
    "partner_violence": _PARTNER_VIOLENCE,
    "self_harm": _SELF_HARM,
}


# --- lexicon for spelling -----------------------------------------------------------------


@cache
def _lexicon() -> frozenset[str]:
    """Every whole word the rules name (at least four letters), which misspellings become."""
    words: set[str] = set()
    for rules in _RULES.values():
        for rule in rules:
            for pattern in (rule.pattern, rule.not_before, rule.not_after):
                if pattern is not None:
                    words.update(_words_of(pattern.pattern))
    words.update(w for expansion in _EXPANSIONS.values() for w in expansion.split())
    return frozenset(word for word in words if len(word) >= 4)


def _words_of(source: str) -> Iterable[str]:
    # letters not preceded by a backslash (\w, \b) and standing as a whole alternative or word
    return re.findall(r"(?<![\\a-z])([a-z]{4,})(?![a-z])", source)


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
