"""How documents are issued: a document's kind (a certificate or a refusal), and the PDFs clerks
attach for services made in the municipality's other systems.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="certificate")
        )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(op.f("ix_attachments_reference"), "attachments", ["reference"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_attachments_reference"), table_name="attachments")
    op.drop_table("attachments")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("kind")
