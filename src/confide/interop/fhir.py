"""FHIR R4 views of therapists, openings and appointments, each checked by the fhir.resources model.

Builders take ORM objects (with the relationships they read already loaded) or plain values and
return JSON-ready dicts; none of them touches the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from confide.errors import InvalidInput
from confide.models.clients import Client
from confide.models.network import Therapist
from confide.models.scheduling import Appointment
from confide.network.supply_rules import listed_states
from confide.vocab import get_vocabulary

JSON = dict[str, Any]

CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"
USPS_STATE_SYSTEM = "https://www.usps.com/"
APPOINTMENT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0276"
PARTICIPATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
LOCATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/location-physical-type"
SESSION_TYPE_SYSTEM = "https://confide.example/fhir/CodeSystem/session-type"
LICENSED_STATE_EXTENSION = "https://confide.example/fhir/StructureDefinition/licensed-state"

# Our two hold statuses have no FHIR name: a hold waits on the client (pending), a lapsed hold
# is off (cancelled). The rest already are FHIR names.
_APPOINTMENT_STATUS = {"held": "pending", "expired": "cancelled"}
CANCELLATION_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"


def _cancelation_reason(appointment: Appointment) -> JSON | None:
    """Appointment.cancelationReason (R4): who cancelled, from HL7's code system, with our
    words; None unless cancelled."""
    if appointment.status == "expired":
        return {**_concept(CANCELLATION_REASON_SYSTEM, "other", "Other"), "text": "hold lapsed"}
    if appointment.status != "cancelled":
        return None
    reason = appointment.cancel_reason or ""
    if appointment.cancelled_by == "therapist":
        code, display = (
            ("prov-pers", "Provider: Personal")
            if reason == "illness"
            else (
                "prov",
                "Provider",
            )
        )
    elif appointment.cancelled_by == "client" or reason in ("client", "released", "rescheduled"):
        code, display = "pat", "Patient"
    else:
        code, display = "other", "Other"
    text = reason.replace("_", " ") or "cancelled"
    if appointment.cancelled_late:
        text += " (late: less than 24 hours before)"
    return {**_concept(CANCELLATION_REASON_SYSTEM, code, display), "text": text}


SLOT_STATUSES = ("free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error")


def fhir_appointment(
    appointment: Appointment, therapist: Therapist, clients: Sequence[Client]
) -> JSON:
    """One Appointment for the session; a couples session has one Patient per partner."""
    session_type = _session_type(appointment.session_type)
    status = _APPOINTMENT_STATUS.get(appointment.status, appointment.status)
    start, end = _utc(appointment.start_at), _utc(appointment.end_at)
    client_status = "tentative" if appointment.status == "held" else "accepted"
    participants: list[JSON] = [
        {
            "type": [_concept(PARTICIPATION_TYPE_SYSTEM, "PPRF", "primary performer")],
            "actor": _practitioner_role_reference(therapist),
            "required": "required",
            "status": "accepted",
        }
    ]
    for client_id in sorted({client.id for client in clients}):
        participants.append(
            {
                "actor": {"reference": f"Patient/{client_id}"},
                "required": "required",
                "status": client_status,
            }
        )
    resource: JSON = {
        "id": str(appointment.id),
        "status": status,
        "serviceType": [_session_type_concept(appointment.session_type)],
        "appointmentType": _concept(
            APPOINTMENT_TYPE_SYSTEM,
            "ROUTINE" if session_type.first_session else "FOLLOWUP",
            "Routine appointment" if session_type.first_session else "A follow up visit",
        ),
        "start": start,
        "end": end,
        "minutesDuration": int((end - start).total_seconds() // 60),
        "slot": [{"reference": f"Slot/{slot_id(therapist.id, appointment.session_type, start)}"}],
        "participant": participants,
    }
    if appointment.created_at is not None:
        resource["created"] = _utc(appointment.created_at)
    reason = _cancelation_reason(appointment)
    if reason is not None:
        resource["cancelationReason"] = reason
    return _validated(FhirAppointment, resource)


def fhir_practitioner_role(therapist: Therapist, now: datetime) -> JSON:
    """The therapist as a PractitionerRole: NPI, NUCC taxonomy, the states listed at `now`,
    settings."""
    vocabulary = get_vocabulary()
    licence_type = vocabulary.licence_types.get(therapist.licence_type)
    npi = {"system": NPI_SYSTEM, "value": therapist.npi}
    concerns = sorted(therapist.specialties, key=lambda s: (s.strength != "primary", s.concern))
    resource: JSON = {
        "id": str(therapist.id),
        "active": True,
        "identifier": [npi],
        "practitioner": {"identifier": npi, "display": therapist.display_name},
        "code": [
            _concept(
                NUCC_SYSTEM,
                therapist.taxonomy_code,
                licence_type.label if licence_type else None,
            )
        ],
        "specialty": [{"text": _concern_label(specialty.concern)} for specialty in concerns],
        "location": [
            {"reference": f"Location/{location['id']}", "display": location["name"]}
            for location in fhir_locations(therapist, now)
        ],
        "extension": [
            {
                "url": LICENSED_STATE_EXTENSION,
                "valueCoding": {"system": USPS_STATE_SYSTEM, "code": state},
            }
            for state in listed_states(therapist.licences, now)
        ],
    }
    exception = _availability_exception(therapist)
    if exception:
        resource["availabilityExceptions"] = exception
    return _validated(PractitionerRole, resource)


def fhir_locations(therapist: Therapist, now: datetime) -> list[JSON]:
    """Where the therapist sees people: their office, and telehealth per state they may serve.

    A telehealth Location is per state listed at `now` because a therapist may only see a
    client located where they are licensed, and directories filter Locations by state. A
    licence whose verification is too old lists no state here, as in matching and booking
    (supply_rules.licence_listed): a directory must not offer what cannot be booked.
    """
    locations: list[JSON] = []
    if therapist.offers_in_person:
        address: JSON = {"state": therapist.practice_state, "country": "US"}
        if therapist.office_city:
            address["city"] = therapist.office_city
        if therapist.office_postal_code:
            address["postalCode"] = therapist.office_postal_code
        office: JSON = {
            "id": f"therapist-{therapist.id}-office",
            "status": "active",
            "mode": "instance",
            "name": f"{therapist.display_name}, office"
            + (f" in {therapist.office_city}" if therapist.office_city else ""),
            "description": "In-person sessions at the therapist's office.",
            "physicalType": _concept(LOCATION_TYPE_SYSTEM, "bu", "Building"),
            "address": address,
        }
        if therapist.office_latitude is not None and therapist.office_longitude is not None:
            office["position"] = {
                "latitude": therapist.office_latitude,
                "longitude": therapist.office_longitude,
            }
        locations.append(_validated(Location, office))
    if therapist.offers_telehealth:
        for state in listed_states(therapist.licences, now):
            virtual: JSON = {
                "id": f"therapist-{therapist.id}-telehealth-{state.lower()}",
                "status": "active",
                "mode": "instance",
                "name": f"{therapist.display_name}, telehealth ({state})",
                "description": f"Video sessions for clients located in {state}.",
                "physicalType": _concept(LOCATION_TYPE_SYSTEM, "vi", "Virtual"),
                "address": {"state": state, "country": "US"},
            }
            locations.append(_validated(Location, virtual))
    return locations


def fhir_schedule(therapist: Therapist, horizon_start: datetime, horizon_end: datetime) -> JSON:
    """The therapist's bookable calendar over the horizon (from now); its Slots point at it,
    and it at the Locations listed at the horizon's start."""
    start, end = _utc(horizon_start), _utc(horizon_end)
    if start >= end:
        raise InvalidInput("end", "the end of the horizon must be after its start")
    actors = [_practitioner_role_reference(therapist)] + [
        {"reference": f"Location/{location['id']}", "display": location["name"]}
        for location in fhir_locations(therapist, start)
    ]
    resource: JSON = {
        "id": schedule_id(therapist.id),
        "active": True,
        "serviceType": [_session_type_concept(code) for code in offered_session_types(therapist)],
        "actor": actors,
        "planningHorizon": {"start": start, "end": end},
    }
    return _validated(Schedule, resource)


def fhir_slot(
    therapist_id: int,
    session_type: str,
    start: datetime,
    end: datetime,
    *,
    status: str = "free",
    extension: list[JSON] | None = None,
) -> JSON:
    """One opening of one session type; its id is the same whenever the same opening is listed."""
    if status not in SLOT_STATUSES:
        raise InvalidInput("status", f"unknown slot status {status!r}", allowed=list(SLOT_STATUSES))
    start, end = _utc(start), _utc(end)
    if start >= end:
        raise InvalidInput("end", "a slot must end after it starts")
    resource: JSON = {
        "id": slot_id(therapist_id, session_type, start),
        "schedule": {"reference": f"Schedule/{schedule_id(therapist_id)}"},
        "status": status,
        "serviceType": [_session_type_concept(session_type)],
        "start": start,
        "end": end,
    }
    if extension:
        resource["extension"] = extension
    return _validated(Slot, resource)


def fhir_bundle(
    resources: Iterable[JSON], *, type: str = "searchset", base_url: str | None = None
) -> JSON:
    """Resources as a Bundle (a search result by default); fullUrl when a base URL is given."""
    entries: list[JSON] = []
    for resource in resources:
        entry: JSON = {"resource": resource}
        if base_url:
            entry["fullUrl"] = f"{base_url.rstrip('/')}/{resource['resourceType']}/{resource['id']}"
        if type == "searchset":
            entry["search"] = {"mode": "match"}
        entries.append(entry)
    bundle: JSON = {"type": type, "entry": entries}
    if type == "searchset":
        bundle["total"] = len(entries)
    return _validated(Bundle, bundle)


def schedule_id(therapist_id: int) -> str:
    return f"therapist-{therapist_id}"


def slot_id(therapist_id: int, session_type: str, start: datetime) -> str:
    # FHIR ids allow letters, digits, '-' and '.', up to 64 characters.
    moment = _utc(start).strftime("%Y%m%dT%H%MZ")
    return f"therapist-{therapist_id}-{session_type.replace('_', '-')}-{moment}"


def offered_session_types(therapist: Therapist) -> list[str]:
    """The therapist's session types in vocabulary order."""
    order = list(get_vocabulary().session_types)
    offered = {service.session_type for service in therapist.services}
    return [code for code in order if code in offered]


def _session_type(code: str) -> Any:
    session_types = get_vocabulary().session_types
    if code not in session_types:
        raise InvalidInput(
            "session_type", f"unknown session type {code!r}", allowed=list(session_types)
        )
    return session_types[code]


def _session_type_concept(code: str) -> JSON:
    session_type = _session_type(code)
    return {
        "coding": [
            {
                "system": SESSION_TYPE_SYSTEM,
                "code": session_type.code,
                "display": session_type.label,
            },
            {"system": CPT_SYSTEM, "code": session_type.cpt_code},
        ],
        "text": session_type.label,
    }


def _concept(system: str, code: str, display: str | None = None) -> JSON:
    coding: JSON = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _practitioner_role_reference(therapist: Therapist) -> JSON:
    return {"reference": f"PractitionerRole/{therapist.id}", "display": therapist.display_name}


def _concern_label(code: str) -> str:
    concern = get_vocabulary().concerns.get(code)
    return concern.label if concern else code.replace("_", " ")


def _availability_exception(therapist: Therapist) -> str | None:
    # paused_until is left out: whether it has passed depends on the day, which callers know.
    if not therapist.accepting_new_clients:
        return "Not taking new clients at present."
    return None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: Confide works in instants only")
    return moment.astimezone(UTC)


def _validated(model: Any, resource: JSON) -> JSON:
    checked = model.model_validate({"resourceType": model.get_resource_type(), **resource})
    result: JSON = checked.model_dump(mode="json", exclude_none=True)
    return result
