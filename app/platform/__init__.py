"""Infrastructure every domain package uses: the database and its extensions, file storage,
the outbox, the audit trail, times, shared column types, errors and web helpers.

Nothing here imports a domain package (accounts, hearings, testimony, campaigns, moderation,
exports): `make lint` checks it (the import contract in pyproject.toml).
"""
