"""The municipality's registers: population (ЗГР) and local taxes (ЗМДТ), look-ups, history.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_persons",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("egn", sa.String(length=10), nullable=True),
        sa.Column("lnch", sa.String(length=10), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("middle_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.String(length=10), nullable=False),
        sa.Column("citizenship", sa.String(length=60), nullable=False),
        sa.Column("marital_status", sa.String(length=20), nullable=False),
        sa.Column("mother_id", sa.Integer(), nullable=True),
        sa.Column("father_id", sa.Integer(), nullable=True),
        sa.Column("death_date", sa.String(length=10), nullable=True),
        sa.Column("death_act", sa.String(length=40), nullable=True),
        sa.Column("death_place", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["father_id"],
            ["register_persons.id"],
            name=op.f("fk_register_persons_father_id_register_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["mother_id"],
            ["register_persons.id"],
            name=op.f("fk_register_persons_mother_id_register_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_persons")),
        sa.UniqueConstraint("egn", name=op.f("uq_register_persons_egn")),
        sa.UniqueConstraint("lnch", name=op.f("uq_register_persons_lnch")),
    )
    op.create_index(
        op.f("ix_register_persons_father_id"), "register_persons", ["father_id"], unique=False
    )
    op.create_index(
        op.f("ix_register_persons_mother_id"), "register_persons", ["mother_id"], unique=False
    )
    op.create_index(
        "ix_register_persons_names",
        "register_persons",
        ["last_name", "first_name", "birth_date"],
        unique=False,
    )

    op.create_table(
        "tax_objects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("identifier", sa.String(length=64), nullable=False),
        sa.Column("settlement", sa.String(length=32), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_objects")),
        sa.UniqueConstraint("kind", "identifier", name="uq_tax_objects_kind_identifier"),
    )
    op.create_table(
        "register_addresses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("settlement", sa.String(length=32), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("registered_on", sa.String(length=10), nullable=True),
        sa.Column("ended_on", sa.String(length=10), nullable=True),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["register_persons.id"],
            name=op.f("fk_register_addresses_person_id_register_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_addresses")),
    )
    op.create_index(
        op.f("ix_register_addresses_person_id"), "register_addresses", ["person_id"], unique=False
    )

    op.create_table(
        "register_lookups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["register_persons.id"],
            name=op.f("fk_register_lookups_person_id_register_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_lookups")),
    )
    op.create_index(
        op.f("ix_register_lookups_person_id"), "register_lookups", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_register_lookups_user_name"), "register_lookups", ["user_name"], unique=False
    )

    op.create_table(
        "register_marriages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("spouse_a_id", sa.Integer(), nullable=False),
        sa.Column("spouse_b_id", sa.Integer(), nullable=False),
        sa.Column("married_on", sa.String(length=10), nullable=True),
        sa.Column("ended_on", sa.String(length=10), nullable=True),
        sa.Column("end_reason", sa.String(length=10), nullable=True),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["spouse_a_id"],
            ["register_persons.id"],
            name=op.f("fk_register_marriages_spouse_a_id_register_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["spouse_b_id"],
            ["register_persons.id"],
            name=op.f("fk_register_marriages_spouse_b_id_register_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_marriages")),
    )
    op.create_index(
        op.f("ix_register_marriages_spouse_a_id"),
        "register_marriages",
        ["spouse_a_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_register_marriages_spouse_b_id"),
        "register_marriages",
        ["spouse_b_id"],
        unique=False,
    )

    op.create_table(
        "register_person_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["register_persons.id"],
            name=op.f("fk_register_person_history_person_id_register_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_person_history")),
    )
    op.create_index(
        op.f("ix_register_person_history_person_id"),
        "register_person_history",
        ["person_id"],
        unique=False,
    )

    op.create_table(
        "tax_assessments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("instalment", sa.Integer(), nullable=False),
        sa.Column("assessed_cents", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"], ["tax_objects.id"], name=op.f("fk_tax_assessments_object_id_tax_objects")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["register_persons.id"],
            name=op.f("fk_tax_assessments_person_id_register_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_assessments")),
        sa.UniqueConstraint(
            "person_id", "object_id", "kind", "year", "instalment", name="uq_tax_assessments_key"
        ),
    )
    op.create_index(
        op.f("ix_tax_assessments_person_id"), "tax_assessments", ["person_id"], unique=False
    )

    op.create_table(
        "tax_valuations",
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("valuation_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"], ["tax_objects.id"], name=op.f("fk_tax_valuations_object_id_tax_objects")
        ),
        sa.PrimaryKeyConstraint("object_id", "year", name="pk_tax_valuations"),
    )
    op.create_table(
        "tax_assessment_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("old_assessed_cents", sa.Integer(), nullable=False),
        sa.Column("old_due_date", sa.String(length=10), nullable=False),
        sa.Column("new_assessed_cents", sa.Integer(), nullable=False),
        sa.Column("new_due_date", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["tax_assessments.id"],
            name=op.f("fk_tax_assessment_history_assessment_id_tax_assessments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_assessment_history")),
    )
    op.create_index(
        op.f("ix_tax_assessment_history_assessment_id"),
        "tax_assessment_history",
        ["assessment_id"],
        unique=False,
    )

    op.create_table(
        "tax_payments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["tax_assessments.id"],
            name=op.f("fk_tax_payments_assessment_id_tax_assessments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_payments")),
    )
    op.create_index(
        op.f("ix_tax_payments_assessment_id"), "tax_payments", ["assessment_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_tax_payments_assessment_id"), table_name="tax_payments")

    op.drop_table("tax_payments")
    op.drop_index(
        op.f("ix_tax_assessment_history_assessment_id"), table_name="tax_assessment_history"
    )

    op.drop_table("tax_assessment_history")
    op.drop_table("tax_valuations")
    op.drop_index(op.f("ix_tax_assessments_person_id"), table_name="tax_assessments")

    op.drop_table("tax_assessments")
    op.drop_index(
        op.f("ix_register_person_history_person_id"), table_name="register_person_history"
    )

    op.drop_table("register_person_history")
    op.drop_index(op.f("ix_register_marriages_spouse_b_id"), table_name="register_marriages")
    op.drop_index(op.f("ix_register_marriages_spouse_a_id"), table_name="register_marriages")

    op.drop_table("register_marriages")
    op.drop_index(op.f("ix_register_lookups_user_name"), table_name="register_lookups")
    op.drop_index(op.f("ix_register_lookups_person_id"), table_name="register_lookups")

    op.drop_table("register_lookups")
    op.drop_index(op.f("ix_register_addresses_person_id"), table_name="register_addresses")

    op.drop_table("register_addresses")
    op.drop_table("tax_objects")
    op.drop_index("ix_register_persons_names", table_name="register_persons")
    op.drop_index(op.f("ix_register_persons_mother_id"), table_name="register_persons")
    op.drop_index(op.f("ix_register_persons_father_id"), table_name="register_persons")

    op.drop_table("register_persons")
