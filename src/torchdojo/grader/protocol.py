"""Length-prefixed frames between the sandboxed child and the worker.

A frame is ``>II`` (header length, blob length), a JSON header and an optional binary blob (an
encoded observation). The reader enforces caps on both, so a child that writes garbage or floods
the pipe gets an error, never a crash of the worker.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

HEADER_CAP = 64 * 1024
BLOB_CAP = 16 * 1024 * 1024
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


def pack(header: dict[str, Any], blob: bytes = b"") -> bytes:
    h = json.dumps(header).encode()
    return _PREFIX.pack(len(h), len(blob)) + h + blob


def write_frame(fd: int, header: dict[str, Any], blob: bytes = b"") -> None:
    """Write one whole frame to a file descriptor (retrying short writes)."""
    data = memoryview(pack(header, blob))
    while data:
        n = os.write(fd, data)
        data = data[n:]


class FrameReader:
    """Incremental decoder: feed bytes as they arrive, take complete frames out."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], bytes]]:
        self._buf += data
        frames = []
        while len(self._buf) >= _PREFIX.size:
            hlen, blen = _PREFIX.unpack_from(self._buf)
            if hlen > HEADER_CAP or blen > BLOB_CAP:
                raise ProtocolError(f"frame too large (header {hlen} B, blob {blen} B)")
            end = _PREFIX.size + hlen + blen
            if len(self._buf) < end:
                break
            raw = bytes(self._buf[_PREFIX.size:_PREFIX.size + hlen])
            blob = bytes(self._buf[_PREFIX.size + hlen:end])
            del self._buf[:end]
            try:
                header = json.loads(raw)
            except ValueError as exc:
                raise ProtocolError("frame header is not JSON") from exc
            if not isinstance(header, dict):
                raise ProtocolError("frame header is not an object")
            frames.append((header, blob))
        return frames

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame still buffered."""
        return len(self._buf)


def read_frame_blocking(fd: int) -> tuple[dict[str, Any], bytes]:
    """Read exactly one frame from a blocking descriptor (used for the job the child receives)."""
    reader = FrameReader()
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise ProtocolError("stream closed before a whole frame arrived")
        frames = reader.feed(chunk)
        if frames:
            return frames[0]
