"""Central's quarantine as a waiting room: records of a type this software did not know wait,
and are applied once an upgrade teaches it the type; a person may retry any other.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 00:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "quarantined_records",
        sa.Column("waiting", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "quarantined_records", sa.Column("released_at", sa.String(length=32), nullable=True)
    )
    op.add_column("quarantined_records", sa.Column("outcome", sa.Text(), nullable=True))
    # Rows kept before this revision are recognised by the reason sync/records.py gave them.
    op.execute(
        "UPDATE quarantined_records SET waiting = true "
        "WHERE reason LIKE 'record type % is unknown to this software%' "
        "OR reason LIKE '% is newer than version % known to this software%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("quarantined_records") as batch:
        batch.drop_column("outcome")
        batch.drop_column("released_at")
        batch.drop_column("waiting")
