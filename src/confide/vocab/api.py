"""GET /api/v1/vocab: every code list Confide accepts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from confide.vocab import get_vocabulary

router = APIRouter(prefix="/api/v1", tags=["vocabulary"])


@router.get("/vocab")
async def vocabulary() -> dict[str, Any]:
    """States, payers and plans, concerns, modalities, licence types, languages, session types."""
    return get_vocabulary().as_dict()
