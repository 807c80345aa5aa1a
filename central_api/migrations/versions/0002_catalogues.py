"""Versioned service catalogues, and the last health report of each kiosk.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 08:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogues",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_catalogues")),
    )
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("health", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kiosks", schema=None) as batch_op:
        batch_op.drop_column("health")
    op.drop_table("catalogues")
