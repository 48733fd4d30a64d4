"""The public API (/api/v1): open data for anyone, and bulk submission for organisations."""
