"""question files: images embedded in imported banks (Moodle XML <file>), served with the bank's questions

Revision ID: 0010_question_files
Revises: 0009_lti
Create Date: 2026-12-01 18:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_question_files'
down_revision = '0009_lti'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'question_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name='fk_question_files_bank_id_banks'),
        sa.PrimaryKeyConstraint('id', name='pk_question_files'),
        sa.UniqueConstraint('bank_id', 'sha256', name='uq_question_files_bank_id_sha256'),
    )


def downgrade():
    op.drop_table('question_files')
