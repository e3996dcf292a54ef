"""Landlock: reads only from an allow-list, writes only to the sandbox's own scratch mounts.

Works without privileges (kernel 5.13+). With ABI 6+ it also stops signals to, and abstract unix
socket connections with, processes outside the sandbox.
"""

from __future__ import annotations

import ctypes
import os
import struct

from torchdojo.grader import linux

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK = 1 << 8, 1 << 9, 1 << 10, 1 << 11
MAKE_SYM, REFER, TRUNCATE = 1 << 12, 1 << 13, 1 << 14
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2
RULE_PATH_BENEATH = 1
CREATE_RULESET_VERSION = 1

READ_ONLY = EXECUTE | READ_FILE | READ_DIR


def abi_version() -> int:
    """The kernel's Landlock ABI version, 0 when unavailable."""
    try:
        return linux.syscall("landlock_create_ruleset", None, ctypes.c_size_t(0),
                             ctypes.c_uint32(CREATE_RULESET_VERSION))
    except OSError:
        return 0


def _handled_fs(abi: int) -> int:
    access = (1 << 13) - 1  # EXECUTE .. MAKE_SYM (ABI 1)
    if abi >= 2:
        access |= REFER
    if abi >= 3:
        access |= TRUNCATE
    return access


def restrict(readable: tuple[str, ...] | list[str], writable: list[str],
             read_write_files: list[str]) -> int:
    """Allow reads only beneath ``readable``, writes only beneath ``writable`` (and to the
    listed files); everything else is refused with EACCES.

    Returns the ABI used. The caller must have set no_new_privs. Applies to this process and
    every process it starts afterwards.
    """
    abi = abi_version()
    if abi < 1:
        raise linux.SandboxError(0, "landlock unavailable")
    handled = _handled_fs(abi)
    scoped = (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if abi >= 6 else 0
    if abi >= 6:
        attr = struct.pack("QQQ", handled, 0, scoped)
    else:
        attr = struct.pack("Q", handled)
    abuf = ctypes.create_string_buffer(attr, len(attr))
    fd = linux.syscall("landlock_create_ruleset", abuf, ctypes.c_size_t(len(attr)),
                       ctypes.c_uint32(0))
    try:
        file_rights = READ_FILE | WRITE_FILE | (TRUNCATE if abi >= 3 else 0)
        rules = [(p, READ_ONLY) for p in readable] + [(p, handled) for p in writable]
        rules += [(p, file_rights) for p in read_write_files]
        for path, rights in rules:
            if not os.path.exists(path):
                continue
            pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                if not os.path.isdir(path):
                    rights &= READ_FILE | WRITE_FILE | EXECUTE | TRUNCATE
                rule = struct.pack("=Qi", rights & handled, pfd)
                rbuf = ctypes.create_string_buffer(rule, len(rule))
                linux.syscall("landlock_add_rule", ctypes.c_int(fd),
                              ctypes.c_int(RULE_PATH_BENEATH), rbuf, ctypes.c_uint32(0))
            finally:
                os.close(pfd)
        linux.syscall("landlock_restrict_self", ctypes.c_int(fd), ctypes.c_uint32(0))
    finally:
        os.close(fd)
    return abi
