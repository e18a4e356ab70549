"""bank questions: an imported bank's questions one row per question and bank version, so a quiz start reads
only the questions it draws; existing imported banks get the rows of their current text

Revision ID: 0014_bank_questions
Revises: 0013_assignment_deleted
Create Date: 2026-12-02 09:00:00

The rows are what the app's readers make of each bank's stored text today (``read_questions``, then
``question_columns``). Attempts keep their own copies of their questions, so nothing else changes;
the text stays in ``banks`` and ``bank_versions``. Downgrade drops the table (the text still holds
every question).
"""
import logging
from itertools import islice

from alembic import op
import sqlalchemy as sa

from quizapp.core.bank_check import read_questions
from quizapp.core.imported_quiz import question_columns


# revision identifiers, used by Alembic.
revision = '0014_bank_questions'
down_revision = '0013_assignment_deleted'
branch_labels = None
depends_on = None

CHUNK = 1000
logger = logging.getLogger('alembic.runtime.migration')


def upgrade():
    table = op.create_table(
        'bank_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('qtype', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=True),
        sa.Column('category', sa.Text(), nullable=False),
        sa.Column('pool_index', sa.Integer(), nullable=True),
        sa.Column('description', sa.Boolean(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name='fk_bank_questions_bank_id_banks'),
        sa.PrimaryKeyConstraint('id', name='pk_bank_questions'),
        sa.UniqueConstraint('bank_id', 'version', 'position', name='uq_bank_questions_bank_id'),
    )
    op.create_index('ix_bank_questions_pool', 'bank_questions', ['bank_id', 'version', 'pool_index'])
    op.create_index('ix_bank_questions_kind', 'bank_questions', ['bank_id', 'version', 'kind'])
    op.create_index('ix_bank_questions_category', 'bank_questions', ['bank_id', 'version', 'category'])
    connection = op.get_bind()
    banks = connection.execute(sa.text("SELECT id, version, format, filename, slug FROM banks "
                                       "WHERE format <> 'factbank' ORDER BY id")).all()
    for bank_id, version, fmt, filename, slug in banks:  # one bank's text in memory at a time
        text = connection.execute(sa.text("SELECT source_text FROM banks WHERE id = :id"), {"id": bank_id}).scalar_one()
        result = read_questions(fmt, text, filename or slug)
        if result.errors:
            logger.warning("bank %s: %d problem(s) reading its text today (first: %s); its %d readable questions "
                           "are stored", slug, len(result.errors), result.errors[0], len(result.questions))
        rows = question_columns(result.questions)
        while chunk := [{"bank_id": bank_id, "version": version, **row} for row in islice(rows, CHUNK)]:
            connection.execute(table.insert(), chunk)
    if connection.dialect.name == 'postgresql':
        op.execute('ANALYZE bank_questions')  # see quizapp.bank_questions.analyze


def downgrade():
    op.drop_table('bank_questions')
