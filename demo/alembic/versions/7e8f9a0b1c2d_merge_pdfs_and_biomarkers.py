"""merge pdfs and biomarkers

Revision ID: 7e8f9a0b1c2d
Revises: 0a1b2c3d4e5f, c1d2e3f4g5h6
Create Date: 2025-02-10 08:01:17.000412

"""
from typing import Sequence, Union


# revision identifiers, used by Alembic.
revision: str = '7e8f9a0b1c2d'
down_revision: Union[str, Sequence[str], None] = ('0a1b2c3d4e5f', 'c1d2e3f4g5h6')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
