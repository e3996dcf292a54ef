"""Length-prefixed frames between the grader's processes, and the limits they are read under.

A frame is ``>II`` (header length, blob length), a JSON header and an optional binary blob. Every
reader states its caps: a frame from a sandboxed child (hostile: it controls every byte it
writes) gets small ones, a job or a request carrying a learner's source bigger ones. A frame over
its cap, a header that is not a JSON object, or one nested deeper than JSON's decoder will go is a
``ProtocolError``, never an exception of another kind in the reader.
"""

from __future__ import annotations

import json
import os
import struct

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (fast CLI path)
if TYPE_CHECKING:
    from typing import Any

SOURCE_CAP = 1024 * 1024  # the largest submission (UTF-8 bytes) every path accepts: 1 MiB
CHILD_HEADER_CAP = 64 * 1024  # a frame header from the sandboxed child
CHILD_BLOB_CAP = 16 * 1024 * 1024  # one encoded observation
JOB_HEADER_CAP = 1024 * 1024  # a job's header: metadata and the problem's tests.py
REPLY_CAP = 64 * 1024 * 1024  # replies from our own daemon and judge (trusted)
_PREFIX = struct.Struct(">II")

# Grading is CPU-only, the same on a laptop with a GPU as in CI: every process that runs
# learner code gets this in its environment before torch initialises CUDA. It also keeps the
# zygote's promise never to touch CUDA: on a machine with a GPU, the zygote's first backward
# would otherwise start autograd's per-device threads and initialise the driver, and every
# forked child would then fail its own backward ("Unable to handle autograd's threading in
# combination with fork-based multiprocessing") or its first CUDA call ("initialization
# error"). GPU work needs its own pool of spawned, not forked, processes (DESIGN.md).
CPU_ONLY_ENV = {"CUDA_VISIBLE_DEVICES": ""}


class ProtocolError(Exception):
    """The peer sent something that is not a well-formed frame."""


def source_too_large(source: str) -> str | None:
    """None when ``source`` fits every grading path; else a one-line message saying why not."""
    size = len(source.encode("utf-8", "surrogatepass"))
    if size <= SOURCE_CAP:
        return None
    return (f"the file is {size / 1024:.0f} KiB; the grader takes files of up to "
            f"{SOURCE_CAP // 1024} KiB (1 MiB)")


def pack(header: dict[str, Any], blob: bytes = b"") -> bytes:
    h = json.dumps(header, ensure_ascii=False).encode()
    return _PREFIX.pack(len(h), len(blob)) + h + blob


def write_frame(fd: int, header: dict[str, Any], blob: bytes = b"") -> None:
    """Write one whole frame to a file descriptor (retrying short writes)."""
    data = memoryview(pack(header, blob))
    while data:
        n = os.write(fd, data)
        data = data[n:]


def _header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested thousands deep
        raise ProtocolError("frame header is not JSON") from exc
    if not isinstance(header, dict):
        raise ProtocolError("frame header is not an object")
    return header


class FrameReader:
    """Incremental decoder: feed bytes as they arrive, take complete frames out."""

    def __init__(self, header_cap: int = CHILD_HEADER_CAP, blob_cap: int = CHILD_BLOB_CAP
                 ) -> None:
        self._buf = bytearray()
        self.header_cap, self.blob_cap = header_cap, blob_cap

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], bytes]]:
        self._buf += data
        frames = []
        while len(self._buf) >= _PREFIX.size:
            hlen, blen = _PREFIX.unpack_from(self._buf)
            if hlen > self.header_cap or blen > self.blob_cap:
                raise ProtocolError(f"frame too large (header {hlen} B, blob {blen} B)")
            end = _PREFIX.size + hlen + blen
            if len(self._buf) < end:
                break
            raw = bytes(self._buf[_PREFIX.size:_PREFIX.size + hlen])
            blob = bytes(self._buf[_PREFIX.size + hlen:end])
            del self._buf[:end]
            frames.append((_header(raw), blob))
        return frames

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame still buffered."""
        return len(self._buf)


def _read_exact(fd: int, n: int) -> bytes:
    parts, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise ProtocolError("stream closed before a whole frame arrived")
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def read_frame_blocking(fd: int, header_cap: int = JOB_HEADER_CAP,
                        blob_cap: int = SOURCE_CAP) -> tuple[dict[str, Any], bytes]:
    """Read exactly one frame from a blocking descriptor, and not a byte more (what follows
    on the same descriptor, such as the worker's acknowledgements, stays unread)."""
    hlen, blen = _PREFIX.unpack(_read_exact(fd, _PREFIX.size))
    if hlen > header_cap or blen > blob_cap:
        raise ProtocolError(f"frame too large (header {hlen} B, blob {blen} B)")
    header = _header(_read_exact(fd, hlen))
    return header, _read_exact(fd, blen)
