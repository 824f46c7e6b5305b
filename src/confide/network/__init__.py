"""The therapist network: profiles, the synthetic demo network, listing and statistics."""
