"""Moderators triage testimony: decisions, notes, redactions, and the per-hearing queue."""
