"""Images embedded in imported questions: which bytes are accepted, and how ``@@PLUGINFILE@@`` links resolve.

Only raster images are stored: PNG, JPEG, GIF and WebP, recognised by their first bytes (never by
the file name or a declared type), each at most ``MAX_IMAGE_BYTES``.  SVG is refused rather than
sanitised: an SVG is a document that can carry script, links and external references, and no
maintained Python SVG sanitiser is available to us; instructors can convert it to PNG.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable
from urllib.parse import unquote

from .imported import EmbeddedFile

MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
PLUGINFILE = "@@PLUGINFILE@@/"
_LINK = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>)]+)")


def sniff_image(data: bytes) -> str | None:
    """The content type of a PNG, JPEG, GIF or WebP image, from its magic bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def describe_file(data: bytes) -> str:
    """What a file that is not an image seems to be, from its first bytes, for warnings ("MP3 audio")."""
    kinds = ((b"ID3", "MP3 audio"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive or Office document"),
             (b"OggS", "Ogg audio or video"), (b"fLaC", "FLAC audio"), (b"BM", "a BMP image"),
             (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"))
    for magic, kind in kinds:
        if data.startswith(magic):
            return kind
    if len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "MP3 audio"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "MP4 audio or video"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] in (b"WAVE", b"AVI "):
        return "WAV audio" if data[8:12] == b"WAVE" else "AVI video"
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data[:4096])  # a cut last character is fine
    except UnicodeDecodeError:
        return "a file of another type"
    return "a text file" if "".join(text.split()).isprintable() else "a file of another type"


def looks_like_svg(name: str, data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return name.lower().endswith(".svg") or head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def referenced_names(text: str) -> list[str]:
    """The file names a text links to with ``@@PLUGINFILE@@/name`` (percent-decoded), in order."""
    return [unquote(m.group(1)) for m in _LINK.finditer(text)]


def resolve_links(text: str, files: Iterable[EmbeddedFile], url_for_file: Callable[[EmbeddedFile], str],
                  area: str | None = None) -> str:
    """``text`` with every ``@@PLUGINFILE@@/name`` that names one of ``files`` replaced by its URL.

    A file of ``area`` wins over one of the same name in another area (Moodle keeps files per text);
    links to files that were not stored (not images) are left as they are.
    """
    by_name: dict[str, EmbeddedFile] = {}
    for file in files:
        if file.name not in by_name or file.area == area:
            by_name[file.name] = file

    def replace(match: re.Match[str]) -> str:
        file = by_name.get(unquote(match.group(1)))
        return url_for_file(file) if file is not None else match.group(0)

    return _LINK.sub(replace, text) if by_name else text
