"""Scheduling: time and availability, free slots, capacity, holds and appointments, its pages."""
