"""The audit trail: every access to health data, chained row to row by SHA-256.

Callers need `record`, `Actor` and `SYSTEM`; see service.py for where in a unit of work to call it.
"""

from confide.audit.schemas import SYSTEM, Actor
from confide.audit.service import record

__all__ = ["SYSTEM", "Actor", "record"]
