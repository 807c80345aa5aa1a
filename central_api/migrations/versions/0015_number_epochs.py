"""Numbering epochs after a restore: the epoch inside each outgoing number, the counters per
year and epoch, and which kiosks have reported what they hold (central_api.restore).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 00:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_epochs",
        sa.Column("epoch", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("backup_created", sa.String(length=40), nullable=True),
        sa.Column("reconciled_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("epoch", name=op.f("pk_number_epochs")),
    )
    op.create_table(
        "epoch_kiosks",
        sa.Column("epoch", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.String(length=32), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("refused", sa.Text(), nullable=True),
        sa.Column("forgone_at", sa.String(length=32), nullable=True),
        sa.Column("forgone_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("epoch", "kiosk_id", name=op.f("pk_epoch_kiosks")),
    )
    op.create_table(
        "outgoing_series",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "epoch", name=op.f("pk_outgoing_series")),
    )
    op.execute("insert into outgoing_series (year, epoch, last) select year, 1, last from outgoing_counters")
    op.drop_table("outgoing_counters")
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("epoch", sa.Integer(), nullable=False, server_default="1"))
        batch_op.drop_constraint("uq_documents_year_seq", type_="unique")
        batch_op.create_unique_constraint("uq_documents_year_epoch_seq", ["year", "epoch", "seq"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_constraint("uq_documents_year_epoch_seq", type_="unique")
        batch_op.create_unique_constraint("uq_documents_year_seq", ["year", "seq"])
        batch_op.drop_column("epoch")
    op.create_table(
        "outgoing_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_outgoing_counters")),
    )
    op.execute(
        "insert into outgoing_counters (year, last) select year, max(last) from outgoing_series "
        "group by year"
    )
    op.drop_table("outgoing_series")
    op.drop_table("epoch_kiosks")
    op.drop_table("number_epochs")
