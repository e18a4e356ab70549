"""desired retention per user (FSRS)

Revision ID: 0008_desired_retention
Revises: 0007_hardening
Create Date: 2026-12-01 18:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_desired_retention'
down_revision = '0007_hardening'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desired_retention', sa.Float(), server_default='0.9', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('desired_retention')
