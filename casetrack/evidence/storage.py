"""The evidence store: streaming SHA-256 on upload, atomic placement, verification.

Files live in CASETRACK_EVIDENCE_DIR under server-generated names (`objects/ab/<uuid>`),
never in the web root and never named by the user. An upload is written to `tmp/` while it
streams in (hashed as it is written), fsynced, renamed into `objects/`, and the directory
fsynced — only then may the database row be committed. A crash at any point leaves either
nothing, or a file with no row (an orphan, which `casetrack evidence verify` reports), never
a row without its file.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
HEAD_BYTES = 64 * 1024

# Tests set this to fail at a named step ("after_temp_write", "after_rename", ...).
fault_hook: Callable[[str], None] | None = None


def fault(step: str) -> None:
    if fault_hook is not None:
        fault_hook(step)


class UnsafePath(Exception):
    """A storage name that would resolve outside the store."""


class Store:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.objects = self.root / "objects"
        self.tmp = self.root / "tmp"

    def ensure(self) -> None:
        for folder in (self.objects, self.tmp):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def path_for(self, storage_name: str) -> Path:
        """The file of a storage name, refusing anything that escapes the store."""
        candidate = (self.objects / storage_name).resolve()
        if not candidate.is_relative_to(self.objects) or candidate == self.objects:
            raise UnsafePath(storage_name)
        return candidate

    def new_upload(self) -> HashingFile:
        self.ensure()
        return HashingFile(self.tmp)

    def place(self, upload: HashingFile) -> str:
        """fsync the upload, rename it into objects/, fsync the directory; return its name."""
        upload.finish()
        fault("after_temp_write")
        name = uuid.uuid4().hex
        storage_name = f"{name[:2]}/{name}"
        target = self.path_for(storage_name)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(upload.path, target)
        upload.placed = True
        os.chmod(target, 0o400)  # read-only: the application never changes a stored file
        _fsync_dir(target.parent)
        _fsync_dir(self.tmp)
        fault("after_rename")
        return storage_name

    def open(self, storage_name: str) -> BinaryIO:
        return self.path_for(storage_name).open("rb")

    def hash_of(self, storage_name: str) -> tuple[str, int]:
        """Re-hash a stored file (streamed): (sha256 hex, size)."""
        digest, size = hashlib.sha256(), 0
        with self.open(storage_name) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size

    def chunks(self, storage_name: str) -> Iterator[bytes]:
        with self.open(storage_name) as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def all_names(self) -> Iterator[str]:
        if not self.objects.is_dir():
            return
        for path in sorted(self.objects.rglob("*")):
            if path.is_file():
                yield path.relative_to(self.objects).as_posix()


class HashingFile:
    """A temporary file that hashes and counts what is written to it, keeping the first bytes
    for type sniffing. Werkzeug's multipart parser writes the upload straight into it."""

    def __init__(self, folder: Path) -> None:
        fd, name = _mkstemp(folder)
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._digest = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.placed = False

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        if len(self.head) < HEAD_BYTES:
            self.head += bytes(data[: HEAD_BYTES - len(self.head)])
        return self._file.write(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    # The parser treats the stream as a file: it seeks back to 0 and may read it.
    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def flush(self) -> None:
        self._file.flush()

    def finish(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def discard(self) -> None:
        """Remove the temporary file unless it was placed in the store."""
        if not self._file.closed:
            self._file.close()
        if not self.placed:
            self.path.unlink(missing_ok=True)

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readline(self, size: int = -1) -> bytes:
        return self._file.readline(size)


def _mkstemp(folder: Path) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix="upload-", dir=folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Sniffed:
    media_type: str
    description: str
    image: bool = False


ALLOWED_BINARY = {
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "image/heic": "HEIC image",
    "application/pdf": "PDF document",
    "video/mp4": "MP4 video",
    "video/quicktime": "QuickTime video",
    "video/webm": "WebM video",
    "video/x-matroska": "Matroska video",
    "video/x-msvideo": "AVI video",
    "video/x-m4v": "M4V video",
    "audio/mpeg": "MP3 audio",
    "audio/x-m4a": "M4A audio",
    "application/zip": "ZIP archive (e.g. a chat export or Office document)",
    "application/gzip": "GZIP archive (e.g. a WARC web capture)",
}
INLINE_IMAGES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
_ACTIVE_MARKERS = (
    b"<html",
    b"<!doctype",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<body",
    b"<iframe",
    b"<object",
    b"<embed",
    b"javascript:",
)


def sniff(head: bytes) -> Sniffed | None:
    """What the content is, by its bytes (never its name); None if it is not allowed."""
    import filetype

    if not head:
        return None
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime in ALLOWED_BINARY:
            return Sniffed(mime, ALLOWED_BINARY[mime], image=mime in INLINE_IMAGES)
        return None
    if head.startswith(b"WARC/1."):
        return Sniffed("application/warc", "WARC web capture")
    return _sniff_text(head)


def _sniff_text(head: bytes) -> Sniffed | None:
    if b"\x00" in head:
        return None
    # A full head (the first HEAD_BYTES of a longer file) may end inside a multi-byte
    # character: decode it as the start of a stream, which leaves a cut last character out.
    # (Dropping a fixed 4 bytes did not: from 1 byte into a 2-byte character it cut another.)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoded = decoder.decode(head, final=len(head) < HEAD_BYTES)
    except UnicodeDecodeError:
        return None
    lowered = decoded.lower().encode()
    if decoded.lstrip().lower().startswith(("mime-version:", "from:")) and (
        b"multipart/related" in lowered
    ):
        return Sniffed("message/rfc822", "MHTML web capture")
    if any(marker in lowered for marker in _ACTIVE_MARKERS):
        return None  # HTML, SVG or script: never stored, so never served
    return Sniffed("text/plain", "Text (e.g. a message export)")
