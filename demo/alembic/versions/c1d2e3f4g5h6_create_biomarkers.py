"""create biomarkers (started as its own migration tree)

Revision ID: c1d2e3f4g5h6
Revises:
Create Date: 2025-02-03 14:30:02.554210

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "c1d2e3f4g5h6"
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "biomarkers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(20)),
    )


def downgrade() -> None:
    op.drop_table("biomarkers")
