"""Telling people things: mail now; durable jobs later."""
