"""essay grades: an instructor's mark and comment on an essay answer

Revision ID: 0011_essay_grades
Revises: 0010_question_files
Create Date: 2026-12-01 19:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_essay_grades'
down_revision = '0010_question_files'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'essay_grades',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('answer_id', sa.Integer(), nullable=False),
        sa.Column('mark', sa.Float(), nullable=False),
        sa.Column('max_mark', sa.Float(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('grader_id', sa.Integer(), nullable=True),
        sa.Column('graded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name='fk_essay_grades_answer_id_answers'),
        sa.ForeignKeyConstraint(['grader_id'], ['users.id'], name='fk_essay_grades_grader_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_essay_grades'),
        sa.UniqueConstraint('answer_id', name='uq_essay_grades_answer_id'),
    )


def downgrade():
    op.drop_table('essay_grades')
