"""The check of a pending upload, kept in this process while its preview is paged through.

Checking a 50,000-question file takes seconds, and the preview shows it 200 questions at a time: each
page view would check the whole file again. So the newest preview's check is kept (one per process,
keyed by everything the check reads: an upload id is used again after an import or a discard, and the
same text under another name is another check), and dropped when that upload is imported or discarded.
"""

from __future__ import annotations

import hashlib
from threading import Lock

from ..core.bank_check import BankCheck, check_bank_text
from ..models import BankUpload

_lock = Lock()
_Key = tuple[int, str, str, str, str, str]
_kept: dict[_Key, BankCheck] = {}


def _key(pending: BankUpload) -> _Key:
    return (pending.id, pending.filename, pending.format, pending.slug, pending.title,
            hashlib.sha256(pending.text.encode()).hexdigest())


def checked_upload(pending: BankUpload) -> BankCheck:
    """``check_bank_text`` of the pending upload, as its preview shows it."""
    key = _key(pending)
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
