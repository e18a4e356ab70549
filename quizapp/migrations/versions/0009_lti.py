"""LTI 1.3: platform registrations, the tool's keys, LTI users and contexts, resource links, score outbox

Revision ID: 0009_lti
Revises: 0008_desired_retention
Create Date: 2026-12-01 18:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_lti'
down_revision = '0008_desired_retention'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
