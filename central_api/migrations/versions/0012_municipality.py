"""The municipality profile's published versions (municipality.toml, sent to the kiosks).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 21:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "municipality_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_municipality_versions")),
    )


def downgrade() -> None:
    op.drop_table("municipality_versions")
