"""Organisations registered by admins, and the API keys they submit testimony and sign-ins with."""
