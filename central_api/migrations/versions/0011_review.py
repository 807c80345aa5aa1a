"""The review grounded in the registers: authorisations staff recorded for a request (a power of
attorney, a document of legal interest), and each document's signed content kept beside it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authorisations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorisations")),
    )
    op.create_index(
        op.f("ix_authorisations_reference"), "authorisations", ["reference"], unique=False
    )
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("content", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("content")
    op.drop_index(op.f("ix_authorisations_reference"), table_name="authorisations")
    op.drop_table("authorisations")
