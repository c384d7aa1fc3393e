"""Consultations open to the public: answers confirmed by mail

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 03:28:21.589370

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "public_answer_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=False),
        sa.Column("address_mark", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_answer_attempt")),
    )
    with op.batch_alter_table("public_answer_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_public_answer_attempt_address_mark_at", ["address_mark", "at"], unique=False
        )
        batch_op.create_index("ix_public_answer_attempt_remote_addr_at", ["remote_addr", "at"], unique=False)

    op.create_table(
        "public_answer_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column(
            "capacity",
            sa.Enum(
                "citizen",
                "patient_carer",
                "health_professional",
                "researcher",
                "industry",
                "public_body",
                "other",
                name="request_capacity",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["survey.id"],
            name=op.f("fk_public_answer_request_survey_id_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_answer_request")),
    )
    with op.batch_alter_table("public_answer_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_answer_request_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_answer_request_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "public_response",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "capacity",
            sa.Enum(
                "citizen",
                "patient_carer",
                "health_professional",
                "researcher",
                "industry",
                "public_body",
                "other",
                name="response_capacity",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_public_response_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_response")),
        sa.UniqueConstraint(
            "survey_id", "address_hash", name=op.f("uq_public_response_survey_id_address_hash")
        ),
    )
    with op.batch_alter_table("public_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_response_survey_id"), ["survey_id"], unique=False)

    op.create_table(
        "public_answer",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("response_id", sa.BigInteger(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_question.id"],
            name=op.f("fk_public_answer_question_id_survey_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["public_response.id"],
            name=op.f("fk_public_answer_response_id_public_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_answer")),
    )
    with op.batch_alter_table("public_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_answer_question_id"), ["question_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_answer_response_id"), ["response_id"], unique=False)

    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reach",
                sa.Enum(
                    "members",
                    "public",
                    "both",
                    name="survey_reach",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="members",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_survey_survey_reach"), type_="check")
        batch_op.drop_column("reach")

    with op.batch_alter_table("public_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_answer_response_id"))
        batch_op.drop_index(batch_op.f("ix_public_answer_question_id"))

    op.drop_table("public_answer")
    with op.batch_alter_table("public_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_response_survey_id"))

    op.drop_table("public_response")
    with op.batch_alter_table("public_answer_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_answer_request_survey_id"))
        batch_op.drop_index(batch_op.f("ix_public_answer_request_created_at"))

    op.drop_table("public_answer_request")
    with op.batch_alter_table("public_answer_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_public_answer_attempt_remote_addr_at")
        batch_op.drop_index("ix_public_answer_attempt_address_mark_at")

    op.drop_table("public_answer_attempt")
