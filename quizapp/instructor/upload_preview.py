"""The check of a pending upload, kept in this process while its preview is paged through.

Checking a 50,000-question file takes seconds, and the preview shows it 200 questions at a time: each
page view would check the whole file again, and each of its embedded images would too
(``quizapp.question_files.pending`` serves them from this check). So the newest preview's check is
kept (one per process) and dropped when that upload is imported or discarded. It is keyed by the
upload's id and creation time: an upload is never changed once stored, and an id used again after an
import or a discard comes with a new creation time. The key reads neither the text nor its hash, so a
kept check is found without loading the upload's text (up to 32 MB).
"""

from __future__ import annotations

from datetime import datetime
from threading import Lock

from ..core.bank_check import BankCheck, check_bank_text
from ..models import BankUpload

_lock = Lock()
_Key = tuple[int, datetime]
_kept: dict[_Key, BankCheck] = {}


def checked_upload(pending: BankUpload) -> BankCheck:
    """``check_bank_text`` of the pending upload, as its preview shows it (with its questions' images)."""
    key = (pending.id, pending.created_at)
    with _lock:
        kept = _kept.get(key)
    if kept is not None:
        return kept
    check = check_bank_text(pending.text, pending.filename, pending.format, pending.slug, pending.title)
    with _lock:
        _kept.clear()  # the newest only: a big bank's questions take tens of MB
        _kept[key] = check
    return check


def forget_upload(upload_id: int) -> None:
    """Drop the kept check of an upload imported or discarded."""
    with _lock:
        for key in [k for k in _kept if k[0] == upload_id]:
            del _kept[key]
