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
    op.create_table('lti_platforms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('auth_login_url', sa.String(length=1000), nullable=False),
        sa.Column('auth_token_url', sa.String(length=1000), nullable=False),
        sa.Column('auth_audience', sa.String(length=1000), nullable=True),
        sa.Column('key_set_url', sa.String(length=1000), nullable=False),
        sa.Column('deployment_ids', sa.JSON(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
        sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platforms_issuer')))
    op.create_table('lti_tool_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('private_pem', sa.Text(), nullable=False),
        sa.Column('public_pem', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_tool_keys')),
        sa.UniqueConstraint('kid', name=op.f('uq_lti_tool_keys_kid')))
    op.create_table('lti_users',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('sub', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_users_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_users')),
        sa.UniqueConstraint('issuer', 'sub', name=op.f('uq_lti_users_issuer')))
    op.create_index(op.f('ix_lti_users_user_id'), 'lti_users', ['user_id'], unique=False)
    op.create_table('lti_contexts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('context_id', sa.String(length=255), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'],
                                name=op.f('fk_lti_contexts_platform_id_lti_platforms')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_contexts')),
        sa.UniqueConstraint('platform_id', 'context_id', name=op.f('uq_lti_contexts_platform_id')))
    op.create_index(op.f('ix_lti_contexts_platform_id'), 'lti_contexts', ['platform_id'], unique=False)
    op.create_table('lti_context_instructors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('context_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['context_id'], ['lti_contexts.id'],
                                name=op.f('fk_lti_context_instructors_context_id_lti_contexts')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_context_instructors_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_context_instructors')),
        sa.UniqueConstraint('context_id', 'user_id', name=op.f('uq_lti_context_instructors_context_id')))
    op.create_index(op.f('ix_lti_context_instructors_context_id'), 'lti_context_instructors', ['context_id'],
                    unique=False)
    op.create_index(op.f('ix_lti_context_instructors_user_id'), 'lti_context_instructors', ['user_id'], unique=False)
    op.create_table('lti_resource_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('context_id', sa.Integer(), nullable=True),
        sa.Column('resource_link_id', sa.String(length=255), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('lineitem_url', sa.String(length=1000), nullable=True),
        sa.Column('ags_scopes', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                                name=op.f('fk_lti_resource_links_assignment_id_assignments')),
        sa.ForeignKeyConstraint(['context_id'], ['lti_contexts.id'],
                                name=op.f('fk_lti_resource_links_context_id_lti_contexts')),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'],
                                name=op.f('fk_lti_resource_links_platform_id_lti_platforms')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_resource_links')),
        sa.UniqueConstraint('platform_id', 'resource_link_id', name=op.f('uq_lti_resource_links_platform_id')))
    for column in ('assignment_id', 'context_id', 'platform_id'):
        op.create_index(op.f(f'ix_lti_resource_links_{column}'), 'lti_resource_links', [column], unique=False)
    op.create_table('lti_grade_targets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resource_link_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('sub', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(['resource_link_id'], ['lti_resource_links.id'],
                                name=op.f('fk_lti_grade_targets_resource_link_id_lti_resource_links')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_grade_targets_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_grade_targets')),
        sa.UniqueConstraint('resource_link_id', 'user_id', name=op.f('uq_lti_grade_targets_resource_link_id')))
    op.create_index(op.f('ix_lti_grade_targets_resource_link_id'), 'lti_grade_targets', ['resource_link_id'],
                    unique=False)
    op.create_index(op.f('ix_lti_grade_targets_user_id'), 'lti_grade_targets', ['user_id'], unique=False)
    op.create_table('lti_scores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=120), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('grade_target_id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('score_given', sa.Float(), nullable=False),
        sa.Column('score_maximum', sa.Float(), nullable=False),
        sa.Column('activity_progress', sa.String(length=32), nullable=False),
        sa.Column('grading_progress', sa.String(length=32), nullable=False),
        sa.Column('timestamp', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('lease_token', sa.String(length=64), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                                name=op.f('fk_lti_scores_assignment_id_assignments')),
        sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'],
                                name=op.f('fk_lti_scores_attempt_id_quiz_attempts')),
        sa.ForeignKeyConstraint(['grade_target_id'], ['lti_grade_targets.id'],
                                name=op.f('fk_lti_scores_grade_target_id_lti_grade_targets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_scores')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_lti_scores_dedupe_key')))
    op.create_index('ix_lti_scores_due', 'lti_scores', ['sent_at', 'next_attempt_at'], unique=False)
    for column in ('assignment_id', 'attempt_id', 'grade_target_id'):
        op.create_index(op.f(f'ix_lti_scores_{column}'), 'lti_scores', [column], unique=False)
    op.create_table('lti_launch_values',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_lti_launch_values')))
    op.create_index(op.f('ix_lti_launch_values_expires_at'), 'lti_launch_values', ['expires_at'], unique=False)


def downgrade():
    for table in ('lti_launch_values', 'lti_scores', 'lti_grade_targets', 'lti_resource_links',
                  'lti_context_instructors', 'lti_contexts', 'lti_users', 'lti_tool_keys', 'lti_platforms'):
        op.drop_table(table)
