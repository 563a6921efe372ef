"""Tickets and staff work: questions the assistant hands to KI staff, and their answers."""
