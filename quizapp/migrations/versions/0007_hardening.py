"""hardening: normalised usernames, session revocation, bank visibility, attempt numbers, safe steps

Revision ID: 0007_hardening
Revises: 0006_learning_steps
Create Date: 2026-12-01 18:45:00

Existing rows are upgraded:

* ``users.username_key`` is the NFKC, case-folded username. Where two existing accounts already
  differ only in case, the older keeps the plain key and each later one gets ``<key>~<id>``; they
  still log in with their exact spelling (log-in tries the exact name first).
* ``quiz_attempts.attempt_number`` numbers each learner's attempts at an assignment 1, 2, ... by
  start time, so the new unique key holds even where the old race made one attempt too many.
* Banks that instructors uploaded become ``private`` (until now the dashboard listed only one's
  own and the site's banks); site banks have no owner and are always shared.
* Learning and relearning steps outside 1 s..365 d (or more than 10) are reset to the defaults:
  such values made every flashcard page fail.
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_hardening'
down_revision = '0006_learning_steps'
branch_labels = None
depends_on = None

# Copied, not imported, so this migration keeps meaning what it meant when it was written.
_STEP = re.compile(r"(\d+(?:\.\d*)?|\.\d+)([smhd])", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _steps_ok(text):
    tokens = (text or "").split()
    if not 1 <= len(tokens) <= 10:
        return False
    for token in tokens:
        match = _STEP.fullmatch(token)
        if match is None or not 1 <= float(match.group(1)) * _UNIT[match.group(2).lower()] <= 365 * 86400:
            return False
    return True


def _key(name):
    return unicodedata.normalize("NFKC", name).casefold()[:64]


def upgrade():
    conn = op.get_bind()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_key', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('username_key', sa.String), sa.column('learning_steps', sa.String),
                     sa.column('relearning_steps', sa.String))
    taken = set()
    for user_id, username, learning, relearning in conn.execute(
            sa.select(users.c.id, users.c.username, users.c.learning_steps, users.c.relearning_steps)
            .order_by(users.c.id)).all():
        key = _key(username)
        if key in taken:
            suffix = f"~{user_id}"
            key = key[:64 - len(suffix)] + suffix
        taken.add(key)
        values = {'username_key': key}
        if not _steps_ok(learning):
            values['learning_steps'] = '1m 10m'
        if not _steps_ok(relearning):
            values['relearning_steps'] = '10m'
        conn.execute(users.update().where(users.c.id == user_id).values(**values))
    # Unique indexes, not constraints: SQLite adds an index in place, while a constraint would rebuild the
    # table, which foreign keys from existing rows forbid.
    op.create_index('ix_users_username_key', 'users', ['username_key'], unique=True)

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('banks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.String(length=16), server_default='private', nullable=False))
    with op.batch_alter_table('bank_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.String(length=16), server_default='private', nullable=False))

    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt_number', sa.Integer(), nullable=True))
    # Portable (SQLite and PostgreSQL): number = how many of the learner's attempts started no later.
    conn.execute(sa.text("""
        UPDATE quiz_attempts SET attempt_number = (
            SELECT COUNT(*) FROM quiz_attempts AS earlier
            WHERE earlier.assignment_id = quiz_attempts.assignment_id
              AND earlier.user_id = quiz_attempts.user_id
              AND (earlier.started_at < quiz_attempts.started_at
                   OR (earlier.started_at = quiz_attempts.started_at AND earlier.id <= quiz_attempts.id)))
        WHERE assignment_id IS NOT NULL AND user_id IS NOT NULL"""))
    op.create_index('ix_quiz_attempts_assignment_user_number', 'quiz_attempts',
                    ['assignment_id', 'user_id', 'attempt_number'], unique=True)

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_user_address_time', ['username', 'address', 'at'], unique=False)


def _drop_column(table, column):
    """Drop a column in place: batch mode would rebuild the table on SQLite, which rows referencing it forbid."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')  # SQLite 3.35+
    else:
        op.drop_column(table, column)


def downgrade():
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_user_address_time')
    op.drop_index('ix_quiz_attempts_assignment_user_number', table_name='quiz_attempts')
    _drop_column('quiz_attempts', 'attempt_number')
    _drop_column('bank_uploads', 'visibility')
    _drop_column('banks', 'visibility')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
    op.drop_index('ix_users_username_key', table_name='users')
    _drop_column('users', 'session_version')
    _drop_column('users', 'username_key')
