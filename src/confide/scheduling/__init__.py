"""Scheduling: availability, free slots, holds and appointments, calendar and FHIR output."""
