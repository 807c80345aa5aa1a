"""The municipal council: councillors, sessions, agenda items, attendance, conflicts, ballots,
consultation comments and the hash-chained vote log (central_api.council.tables).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("political_group", sa.String(length=200), nullable=False),
        sa.Column("term_start", sa.String(length=10), nullable=False),
        sa.Column("term_end", sa.String(length=10), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_members")),
        sa.UniqueConstraint("user_name", name=op.f("uq_council_members_user_name")),
    )
    op.create_table(
        "council_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", sa.String(length=32), nullable=True),
        sa.Column("closed_at", sa.String(length=32), nullable=True),
        sa.Column("protocol_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("protocol_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_sessions")),
        sa.UniqueConstraint("number", name=op.f("uq_council_sessions_number")),
    )
    op.create_table(
        "council_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("proposer", sa.String(length=200), nullable=False),
        sa.Column("committee_opinions", sa.Text(), nullable=False),
        sa.Column("draft_decision", sa.Text(), nullable=False),
        sa.Column("basis", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("legal_basis", sa.String(length=500), nullable=False),
        sa.Column("paper_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("paper_name", sa.String(length=200), nullable=True),
        sa.Column("consultation_until", sa.String(length=10), nullable=True),
        sa.Column("vote_status", sa.String(length=10), nullable=False),
        sa.Column("vote_opened_at", sa.String(length=32), nullable=True),
        sa.Column("vote_closed_at", sa.String(length=32), nullable=True),
        sa.Column("present", sa.Integer(), nullable=True),
        sa.Column("conflicted", sa.Integer(), nullable=True),
        sa.Column("for_votes", sa.Integer(), nullable=True),
        sa.Column("against", sa.Integer(), nullable=True),
        sa.Column("abstained", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("decision_number", sa.Integer(), nullable=True),
        sa.Column("decision_year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["council_sessions.id"],
            name=op.f("fk_council_items_session_id_council_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_items")),
        sa.UniqueConstraint("session_id", "position", name="uq_council_items_session_position"),
        sa.UniqueConstraint("decision_year", "decision_number", name="uq_council_items_decision"),
    )
    op.create_index(
        op.f("ix_council_items_session_id"), "council_items", ["session_id"], unique=False
    )
    op.create_table(
        "council_attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["council_members.id"],
            name=op.f("fk_council_attendance_member_id_council_members"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["council_sessions.id"],
            name=op.f("fk_council_attendance_session_id_council_sessions"),
        ),
        sa.PrimaryKeyConstraint("session_id", "member_id", name="pk_council_attendance"),
    )
    for name, extra in (
        (
            "council_conflicts",
            [
                sa.Column("declared_at", sa.String(length=32), nullable=False),
                sa.Column("note", sa.Text(), nullable=True),
            ],
        ),
        (
            "council_ballots",
            [
                sa.Column("choice", sa.String(length=10), nullable=True),
                sa.Column("cast_at", sa.String(length=32), nullable=False),
            ],
        ),
    ):
        op.create_table(
            name,
            sa.Column("item_id", sa.Integer(), nullable=False),
            sa.Column("member_id", sa.Integer(), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(
                ["item_id"], ["council_items.id"], name=op.f(f"fk_{name}_item_id_council_items")
            ),
            sa.ForeignKeyConstraint(
                ["member_id"],
                ["council_members.id"],
                name=op.f(f"fk_{name}_member_id_council_members"),
            ),
            sa.PrimaryKeyConstraint("item_id", "member_id", name=f"pk_{name}"),
        )
    op.create_table(
        "council_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=True),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("village", sa.String(length=32), nullable=False),
        sa.Column("written_at", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["council_items.id"],
            name=op.f("fk_council_comments_item_id_council_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_comments")),
        sa.UniqueConstraint("record_id", name=op.f("uq_council_comments_record_id")),
    )
    op.create_index(
        op.f("ix_council_comments_item_id"), "council_comments", ["item_id"], unique=False
    )
    op.create_table(
        "council_vote_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_vote_log")),
    )


def downgrade() -> None:
    op.drop_table("council_vote_log")
    op.drop_index(op.f("ix_council_comments_item_id"), table_name="council_comments")
    op.drop_table("council_comments")
    op.drop_table("council_ballots")
    op.drop_table("council_conflicts")
    op.drop_table("council_attendance")
    op.drop_index(op.f("ix_council_items_session_id"), table_name="council_items")
    op.drop_table("council_items")
    op.drop_table("council_sessions")
    op.drop_table("council_members")
