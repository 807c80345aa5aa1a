"""The clerks' web office: sessions, sign-in failures, mayoralty staff, notices; queue indexes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 08:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("last_seen_at", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_office_sessions")),
    )
    op.create_index(
        op.f("ix_office_sessions_user_name"), "office_sessions", ["user_name"], unique=False
    )
    op.create_table(
        "office_sign_in_failures",
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.String(length=32), nullable=False),
        sa.Column("locked_until", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("user_name", name=op.f("pk_office_sign_in_failures")),
    )
    op.create_table(
        "office_staff",
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("village", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("pin_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("removed_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_office_staff")),
    )
    op.create_index(op.f("ix_office_staff_village"), "office_staff", ["village"], unique=False)
    op.create_table(
        "office_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notice_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("notice_date", sa.String(length=10), nullable=False),
        sa.Column("title_bg", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("body_bg", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_name", sa.String(length=200), nullable=True),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=False),
        sa.Column("kiosk_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_notices")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_office_notices_notice_id")),
    )
    op.create_index("ix_office_requests_queue", "requests", ["due_date", "id"])
    op.create_index("ix_office_requests_village", "requests", ["village", "status"])
    op.create_index("ix_office_requests_service", "requests", ["service", "status"])
    op.create_index("ix_office_requests_created", "requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_office_requests_created", table_name="requests")
    op.drop_index("ix_office_requests_service", table_name="requests")
    op.drop_index("ix_office_requests_village", table_name="requests")
    op.drop_index("ix_office_requests_queue", table_name="requests")
    op.drop_table("office_notices")
    op.drop_index(op.f("ix_office_staff_village"), table_name="office_staff")
    op.drop_table("office_staff")
    op.drop_table("office_sign_in_failures")
    op.drop_index(op.f("ix_office_sessions_user_name"), table_name="office_sessions")
    op.drop_table("office_sessions")
