"""hardening: bank visibility, session version, normalised usernames, attempt numbers

Revision ID: 0007_hardening
Revises: 0006_learning_steps
Create Date: 2026-12-01 18:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_hardening'
down_revision = '0006_learning_steps'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
