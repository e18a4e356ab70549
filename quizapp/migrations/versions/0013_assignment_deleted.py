"""assignments: deleted_at, so an instructor's delete hides the assignment and keeps its attempts

Revision ID: 0013_assignment_deleted
Revises: 0012_quiz_review
Create Date: 2026-12-01 20:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_assignment_deleted'
down_revision = '0012_quiz_review'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments') as batch:
        batch.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('assignments') as batch:
        batch.drop_column('deleted_at')
