"""the establishment's telephone, printed on its letters

Revision ID: 0002_establishment_phone
Revises: 0001_initial
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_establishment_phone"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: ALTER TABLE … ADD COLUMN on both engines, no table copy on SQLite.
    op.add_column("establishments", sa.Column("phone", sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("establishments", schema=None) as batch_op:
        batch_op.drop_column("phone")
