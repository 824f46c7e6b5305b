"""Interoperability: FHIR resources and routes, SMART Scheduling Links publication, iCalendar in
and out. It reads scheduling and the network; neither imports it."""
