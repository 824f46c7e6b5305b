"""Loads the code lists from the data files once and answers questions about them.

Every list but the plans is fixed by the data files. Plans live in the database at run time
(admins add and retire them; vocab/catalogue.py loads them), so the vocabulary a process answers
with is the files' with the database's plans, installed by `install_vocabulary`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import us

POPULATIONS = ("individuals", "couples", "families")
SETTINGS = ("telehealth", "in_person", "either")
FORMATS = ("individual", "couples")


@dataclass(frozen=True, slots=True)
class State:
    code: str
    name: str
    population: int
    time_zones: tuple[str, ...]
    cost_index: float
    spanish_share: float
    counsellor_licence: str


@dataclass(frozen=True, slots=True)
class Concern:
    code: str
    label: str
    description: str
    relationship: bool


@dataclass(frozen=True, slots=True)
class Modality:
    code: str
    label: str
    couples: bool = False
    trauma: bool = False
    crisis: bool = False


@dataclass(frozen=True, slots=True)
class LicenceType:
    code: str
    label: str
    abbreviation: str
    taxonomy_code: str
    licence_number_prefix: str
    # the synthetic network's shares and rates (licence_types.json says what each means)
    workforce_share: float
    couples_share: float
    families_share: float
    in_network_share: float
    base_rate: float
    credentials: dict[str, float] | None = None
    counsellor: bool = False
    prescriber: bool = False
    family_therapist: bool = False


@dataclass(frozen=True, slots=True)
class Gender:
    code: str
    label: str
    pronouns: str
    share: float
    first_names: str


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str
    share: float = 0.0


@dataclass(frozen=True, slots=True)
class SessionType:
    code: str
    label: str
    format: str
    cpt_code: str
    default_minutes: int
    first_session: bool


@dataclass(frozen=True, slots=True)
class Identity:
    code: str
    label: str
    share: float


@dataclass(frozen=True, slots=True)
class Plan:
    code: str
    payer_code: str
    name: str
    product: str
    # None: sold in every state.
    states: frozenset[str] | None
    # set when an admin retired it: still known (the panels and answers naming it read as
    # before), but offered no more and refused in new input
    retired_at: datetime | None = None

    @property
    def offered(self) -> bool:
        return self.retired_at is None

    def sold_in(self, state: str) -> bool:
        return self.states is None or state in self.states


@dataclass(frozen=True, slots=True)
class Payer:
    code: str
    name: str
    kind: str
    panel_rate: float
    states: frozenset[str] | None
    # every plan, retired ones included
    plans: tuple[Plan, ...]

    @property
    def offered_plans(self) -> tuple[Plan, ...]:
        """The plans a person or a therapist may choose now."""
        return tuple(plan for plan in self.plans if plan.offered)

    def plans_in(self, state: str) -> tuple[Plan, ...]:
        """The plans offered now that are sold in the state."""
        return tuple(plan for plan in self.offered_plans if plan.sold_in(state))


@dataclass(frozen=True)
class Vocabulary:
    states: dict[str, State]
    concerns: dict[str, Concern]
    modalities: dict[str, Modality]
    licence_types: dict[str, LicenceType]
    languages: dict[str, Language]
    session_types: dict[str, SessionType]
    identities: dict[str, Identity]
    faiths: dict[str, Identity]
    genders: dict[str, Gender]
    payers: dict[str, Payer]
    # the plan catalogue's version stamp these plans were read at; None: the data files'
    plans_version: str | None = None
    # every plan by code, retired ones included (rows naming one must still read)
    plans: dict[str, Plan] = field(init=False)
    # the plans that may be chosen now
    offered_plans: dict[str, Plan] = field(init=False)

    def __post_init__(self) -> None:
        plans = {plan.code: plan for payer in self.payers.values() for plan in payer.plans}
        object.__setattr__(self, "plans", plans)
        offered = {code: plan for code, plan in plans.items() if plan.offered}
        object.__setattr__(self, "offered_plans", offered)

    def with_plans(self, plans: Iterable[Plan], version: str | None) -> Vocabulary:
        """This vocabulary with these plans (of its payers, in the order given)."""
        by_payer: dict[str, list[Plan]] = {code: [] for code in self.payers}
        for plan in plans:
            by_payer[plan.payer_code].append(plan)
        payers = {
            code: replace(payer, plans=tuple(by_payer[code])) for code, payer in self.payers.items()
        }
        return replace(self, payers=payers, plans_version=version)

    def first_session_type(self, format: str) -> SessionType:
        return next(
            t for t in self.session_types.values() if t.format == format and t.first_session
        )

    def as_dict(self) -> dict[str, Any]:
        """Every code list, in the shape GET /api/v1/vocab serves."""
        return {
            "states": [
                {"code": s.code, "name": s.name, "time_zones": list(s.time_zones)}
                for s in self.states.values()
            ],
            "concerns": [
                {
                    "code": c.code,
                    "label": c.label,
                    "description": c.description,
                    "relationship": c.relationship,
                }
                for c in self.concerns.values()
            ],
            "modalities": [
                {
                    "code": m.code,
                    "label": m.label,
                    "couples": m.couples,
                    "trauma": m.trauma,
                    "crisis": m.crisis,
                }
                for m in self.modalities.values()
            ],
            "licence_types": [
                {
                    "code": t.code,
                    "label": t.label,
                    "abbreviation": t.abbreviation,
                    "taxonomy_code": t.taxonomy_code,
                    "prescriber": t.prescriber,
                }
                for t in self.licence_types.values()
            ],
            "languages": [
                {"code": lang.code, "name": lang.name} for lang in self.languages.values()
            ],
            "session_types": [
                {
                    "code": t.code,
                    "label": t.label,
                    "format": t.format,
                    "cpt_code": t.cpt_code,
                    "default_minutes": t.default_minutes,
                    "first_session": t.first_session,
                }
                for t in self.session_types.values()
            ],
            "identities": [{"code": i.code, "label": i.label} for i in self.identities.values()],
            "faiths": [{"code": f.code, "label": f.label} for f in self.faiths.values()],
            "populations": list(POPULATIONS),
            "genders": list(self.genders),
            "settings": list(SETTINGS),
            "formats": list(FORMATS),
            "payers": [
                {
                    "code": p.code,
                    "name": p.name,
                    "kind": p.kind,
                    "states": sorted(p.states) if p.states is not None else None,
                    "plans": [
                        {
                            "code": plan.code,
                            "name": plan.name,
                            "product": plan.product,
                            "states": sorted(plan.states) if plan.states is not None else None,
                        }
                        for plan in p.offered_plans
                    ],
                }
                for p in self.payers.values()
            ],
        }


def _load(name: str) -> dict[str, Any]:
    text = resources.files("confide.vocab").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _us_state(code: str) -> Any:
    state = us.states.lookup(code)
    if state is None:
        raise LookupError(f"unknown state {code}")
    return state


def _states() -> dict[str, State]:
    result = {}
    for row in _load("states.json")["states"]:
        info = _us_state(row["code"])
        result[row["code"]] = State(
            code=row["code"],
            name=info.name,
            population=row["population"],
            time_zones=tuple(info.time_zones) + tuple(row.get("extra_time_zones", ())),
            cost_index=row["cost_index"],
            spanish_share=row["spanish_share"],
            counsellor_licence="lmhc" if row.get("lmhc") else "lpc",
        )
    return dict(sorted(result.items()))


def _payers() -> dict[str, Payer]:
    payers = {}
    for row in _load("payers.json")["payers"]:
        payer_states = frozenset(row["states"]) if "states" in row else None
        plans: list[Plan] = []
        for plan in row.get("plans", []):
            states = frozenset(plan["states"]) if "states" in plan else payer_states
            plans.append(Plan(plan["code"], row["code"], plan["name"], plan["product"], states))
        for state, name in sorted(row.get("state_plans", {}).items()):
            plans.append(
                Plan(
                    f"{row['code']}-{state.lower()}",
                    row["code"],
                    name,
                    "Medicaid",
                    frozenset({state}),
                )
            )
        if row.get("state_plans"):
            payer_states = frozenset(row["state_plans"])
        payers[row["code"]] = Payer(
            row["code"], row["name"], row["kind"], row["panel_rate"], payer_states, tuple(plans)
        )
    return payers


@cache
def file_vocabulary() -> Vocabulary:
    """Every code list as the data files give it (the plans as first loaded into a database)."""
    identities = _load("identities.json")
    return Vocabulary(
        states=_states(),
        concerns={c["code"]: Concern(**c) for c in _load("concerns.json")["concerns"]},
        modalities={m["code"]: Modality(**m) for m in _load("modalities.json")["modalities"]},
        licence_types={
            t["code"]: LicenceType(**t) for t in _load("licence_types.json")["licence_types"]
        },
        languages={lang["code"]: Language(**lang) for lang in _load("languages.json")["languages"]},
        session_types={
            t["code"]: SessionType(**t) for t in _load("session_types.json")["session_types"]
        },
        identities={i["code"]: Identity(**i) for i in identities["identities"]},
        faiths={f["code"]: Identity(**f) for f in identities["faiths"]},
        genders={g["code"]: Gender(**g) for g in _load("genders.json")["genders"]},
        payers=_payers(),
    )


class _Installed:
    """The vocabulary this process answers with: the data files' until a catalogue of plans is
    installed. Readers take the reference without a lock (swapping it is atomic)."""

    def __init__(self) -> None:
        self.vocabulary: Vocabulary | None = None
        self.lock = threading.Lock()  # held by whoever loads a new one (vocab/catalogue.py)


INSTALLED = _Installed()


def get_vocabulary() -> Vocabulary:
    """The vocabulary in force in this process (plans as last read from the database)."""
    return INSTALLED.vocabulary or file_vocabulary()


def install_vocabulary(vocabulary: Vocabulary | None) -> None:
    """Answer with `vocabulary` from now on (None: the data files' again)."""
    INSTALLED.vocabulary = vocabulary
