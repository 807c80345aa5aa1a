"""Downlink records name what they are about (a document's number), so that the divergence
check finds a document's records by a column, not by matching JSON text.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:10:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_outbound_records_subject", ["kiosk_id", "type", "subject"], unique=False
        )
    records = sa.table(
        "outbound_records",
        sa.column("id", sa.Integer),
        sa.column("type", sa.String),
        sa.column("subject", sa.String),
        sa.column("record", sa.Text),
    )
    connection = op.get_bind()
    issued = connection.execute(
        sa.select(records.c.id, records.c.record).where(records.c.type == "document.issued")
    ).all()
    for row in issued:
        number = json.loads(row.record)["body"]["number"]
        connection.execute(
            sa.update(records).where(records.c.id == row.id).values(subject=number)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_records", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_records_subject")
        batch_op.drop_column("subject")
