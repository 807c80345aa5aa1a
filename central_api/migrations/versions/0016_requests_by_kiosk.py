"""Requests found by their kiosk: every exchange's stream positions answer with the highest
reference central holds from the kiosk (central_api.streams.reference_counter).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 03:30:00
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_requests_kiosk_id", "requests", ["kiosk_id"])


def downgrade() -> None:
    op.drop_index("ix_requests_kiosk_id", table_name="requests")
