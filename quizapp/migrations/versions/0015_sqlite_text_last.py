"""SQLite: a bank's and an upload's text stored as the row's last column

SQLite stores a row's columns in order and a long value in a chain of overflow pages, and reaches a
column stored after such a value only by walking its whole chain. A bank's row held its text in the
middle (content_hash, format, version, visibility... came after it), so every read of a bank's row,
as each quiz start makes, walked the bank's text: 1.3-2.5 ms for a 50,000-question bank of 5.7 MB
against 0.05 ms for a 500-question one. The text column goes last (added again, filled, the old one
dropped); the columns are the same. PostgreSQL keeps long values out of line (TOAST): nothing to do.

Revision ID: 0015_sqlite_text_last
Revises: 0014_bank_questions
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_sqlite_text_last'
down_revision = '0014_bank_questions'
branch_labels = None
depends_on = None

COLUMNS = (("banks", "source_text"), ("bank_uploads", "text"))


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, column in COLUMNS:
        # SQLite adds a NOT NULL column only with a default; the models have none, as every insert writes the text
        # (Alembic's autogenerate compares server defaults only when asked to, so it reports no difference).
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column}_last TEXT NOT NULL DEFAULT ''")
        op.execute(f"UPDATE {table} SET {column}_last = {column}")  # noqa: S608 - the names above
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {column}_last TO {column}")


def downgrade():
    pass  # the order of the columns means nothing to the app
