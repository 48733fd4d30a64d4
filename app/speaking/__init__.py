"""Hearing day: the speakers, their run sheet, and what happened when each was called."""
