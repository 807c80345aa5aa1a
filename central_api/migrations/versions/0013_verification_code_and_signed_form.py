"""Each document's random verification code (printed with it, carried by its QR statement: a
public look-up shows the document's details only with it), and whether the villager's signed
request form is on file at the mayoralty (the kiosk's ``request.form_filed``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("verification_code", sa.String(length=16), nullable=True))
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("form_filed_at", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("form_filed_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("form_filed_by")
        batch.drop_column("form_filed_at")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("verification_code")
