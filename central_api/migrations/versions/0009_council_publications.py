"""The council's publications to the kiosks: which notice carries which agenda, decision or
draft under consultation (central_api.council.tables.council_publications).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_publications",
        sa.Column("notice_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["council_items.id"],
            name=op.f("fk_council_publications_item_id_council_items"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["council_sessions.id"],
            name=op.f("fk_council_publications_session_id_council_sessions"),
        ),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_council_publications")),
    )


def downgrade() -> None:
    op.drop_table("council_publications")
