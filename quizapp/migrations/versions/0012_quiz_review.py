"""quiz review: flag a question for review; label practise and retry attempts

Revision ID: 0012_quiz_review
Revises: 0011_essay_grades
Create Date: 2026-12-01 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_quiz_review'
down_revision = '0011_essay_grades'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt_questions') as batch:
        batch.add_column(sa.Column('flagged', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('quiz_attempts') as batch:
        batch.add_column(sa.Column('purpose', sa.String(length=16), nullable=False, server_default='quiz'))


def downgrade():
    with op.batch_alter_table('quiz_attempts') as batch:
        batch.drop_column('purpose')
    with op.batch_alter_table('attempt_questions') as batch:
        batch.drop_column('flagged')
