"""ORM objects built in memory, without a database, for the output builders' tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from confide.models.clients import Client
from confide.models.network import Licence, Therapist, TherapistService, TherapistSpecialty
from confide.models.scheduling import Appointment, AppointmentParticipant

START = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
# the licences' last check with their boards: recent at START (and at the tests' "now")
VERIFIED = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)


def therapist(
    *,
    id: int = 7,
    offers_telehealth: bool = True,
    offers_in_person: bool = False,
    licensed: tuple[str, ...] = ("CA", "NV"),
    accepting_new_clients: bool = True,
    verified_at: datetime = VERIFIED,
) -> Therapist:
    return Therapist(
        id=id,
        npi="1234567893",
        first_name="Ana",
        last_name="Ruiz",
        credential="LMFT",
        licence_type="lmft",
        taxonomy_code="106H00000X",
        gender="woman",
        practice_state="CA",
        timezone="America/Los_Angeles",
        offers_telehealth=offers_telehealth,
        offers_in_person=offers_in_person,
        office_city="Oakland" if offers_in_person else None,
        office_postal_code="94612" if offers_in_person else None,
        office_latitude=37.8044 if offers_in_person else None,
        office_longitude=-122.2712 if offers_in_person else None,
        accepting_new_clients=accepting_new_clients,
        licences=[
            *(
                Licence(state=state, number=f"L-{state}", status="active", verified_at=verified_at)
                for state in licensed
            ),
            Licence(state="OR", number="L-OR", status="expired", verified_at=verified_at),
        ],
        specialties=[
            TherapistSpecialty(concern="infidelity", strength="primary"),
            TherapistSpecialty(concern="anxiety", strength="secondary"),
        ],
        services=[
            TherapistService(
                session_type="couples", duration_minutes=80, self_pay_rate_cents=22000
            ),
            TherapistService(session_type="intake", duration_minutes=60, self_pay_rate_cents=15000),
            TherapistService(
                session_type="couples_intake", duration_minutes=80, self_pay_rate_cents=24000
            ),
        ],
    )


def client(id: int, name: str, email: str | None = None) -> Client:
    return Client(id=id, name=name, email=email, state="CA", timezone="America/Los_Angeles")


def appointment(
    clients: list[Client],
    *,
    id: int = 5,
    therapist_id: int = 7,
    session_type: str = "intake",
    status: str = "booked",
    start: datetime = START,
    minutes: int = 60,
    sequence: int = 0,
    updated_at: datetime | None = datetime(2026, 2, 20, 12, 0, tzinfo=UTC),
) -> Appointment:
    end = start + timedelta(minutes=minutes)
    return Appointment(
        id=id,
        therapist_id=therapist_id,
        session_type=session_type,
        status=status,
        start_at=start,
        end_at=end,
        blocked_until=end + timedelta(minutes=10),
        hold_expires_at=start if status == "held" else None,
        client_state="CA",
        created_by_client_id=clients[0].id,
        calendar_sequence=sequence,
        created_at=datetime(2026, 2, 20, 11, 0, tzinfo=UTC),
        updated_at=updated_at,
        participants=[
            AppointmentParticipant(client_id=c.id, start_at=start, end_at=end, status=status)
            for c in clients
        ],
    )
