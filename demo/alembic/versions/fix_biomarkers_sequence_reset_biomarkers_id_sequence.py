"""reset the biomarkers id sequence after a bulk import

Revision ID: fix_biomarkers_sequence
Revises: 7e8f9a0b1c2d
Create Date: 2025-03-01 17:45:09.731006

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = 'fix_biomarkers_sequence'
down_revision: Union[str, None] = '7e8f9a0b1c2d'  # after the merge
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute(
        "SELECT setval(pg_get_serial_sequence('biomarkers', 'id'), "
        "coalesce((SELECT max(id) FROM biomarkers), 0) + 1, false)"
    )


def downgrade() -> None:
    pass
