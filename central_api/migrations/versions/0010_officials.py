"""Officials who sign documents: names, printed title, authorising order, services.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("names", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("order_number", sa.String(length=100), nullable=True),
        sa.Column("order_date", sa.String(length=10), nullable=True),
        sa.Column("services", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("removed_at", sa.String(length=32), nullable=True),
        sa.Column("removed_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officials")),
    )
    op.create_index(op.f("ix_officials_user_name"), "officials", ["user_name"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_officials_user_name"), table_name="officials")
    op.drop_table("officials")
