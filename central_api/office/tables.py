"""The office's own tables, on the same MetaData as :mod:`central_api.db.schema`.

Migration ``0003_office`` creates them (and the indexes the work queue and the reports need on
``requests``). Times are ISO-8601 UTC text, like everywhere else in the central database.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from ..db.schema import metadata, requests

# A signed-in browser: the cookie holds a random token, the database only its SHA-256, so a
# session can be ended (sign-out, user disabled) on every web process at once.
office_sessions = Table(
    "office_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_name", String(100), nullable=False, index=True),
    Column("created_at", String(32), nullable=False),
    Column("last_seen_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)

# Failed sign-ins per user name: the backoff and the lockout are counted here, in the database,
# so that every web process refuses the same guesser.
office_sign_in_failures = Table(
    "office_sign_in_failures",
    metadata,
    Column("user_name", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", String(32), nullable=False),
    Column("locked_until", String(32)),
)

# The work queue pages through requests in due-date order by keyset, and filters by village and
# service; the reports group by the day a request arrived. (Plain column indexes only: SQLite
# cannot reflect expression indexes, and Alembic's batch mode reflects tables.)
Index("ix_office_requests_queue", requests.c.due_date, requests.c.id)
Index("ix_office_requests_village", requests.c.village, requests.c.status)
Index("ix_office_requests_service", requests.c.service, requests.c.status)
Index("ix_office_requests_created", requests.c.created_at)
