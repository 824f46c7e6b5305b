"""Code lists: states, payers and plans, concerns, modalities, licence types, languages."""

from confide.vocab.registry import Vocabulary, get_vocabulary

__all__ = ["Vocabulary", "get_vocabulary"]
