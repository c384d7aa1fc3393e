<%!
    def clean(commands):
        # Autogenerate brackets its commands with "please adjust" comments; a reviewed migration has none.
        lines = (commands or "pass").splitlines()
        kept = [line for line in lines if "### commands auto generated" not in line and "### end Alembic" not in line]
        return "\n".join(kept).strip() or "pass"
%>\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${clean(upgrades)}


def downgrade():
    ${clean(downgrades)}
