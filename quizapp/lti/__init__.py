"""LTI 1.3 tool: launches from an LMS (Moodle, Canvas, ...), deep linking, and scores sent back to its gradebook.

The blueprint lives in ``routes.py``; this module stays light because quiz/service.py imports the hook below.
"""

from __future__ import annotations


def enqueue_finished_attempt(attempt_id: int) -> int:
    """The hook quiz/service.py calls where an attempt becomes finished: queue its LMS score (outbox.py)."""
    from .outbox import enqueue_finished_attempt as enqueue

    return enqueue(attempt_id)
