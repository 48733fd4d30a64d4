"""Print the PostgreSQL URL the suite should also run on, or nothing when none is reachable.

Used by `make test`. DATABASE_URL wins when it names PostgreSQL; otherwise the local server that
CI and the development machines run is tried. With REQUIRE_POSTGRES=1 (CI) an unreachable
server is an error instead of a skip.
"""

from __future__ import annotations

import os
import sys

LOCAL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def candidate() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return LOCAL


def reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ):
            return True
    except psycopg.Error:
        return False


def main() -> int:
    url = candidate()
    if reachable(url):
        print(url)
        return 0
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        print(f"PostgreSQL is required but not reachable at {url}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
