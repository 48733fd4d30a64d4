"""Residents' written testimony, speaking requests, attachments and receipts."""
