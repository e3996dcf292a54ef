"""Thin ctypes wrappers over the Linux calls the sandbox needs and Python 3.11 lacks."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform
import struct

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_RDONLY = 1
MS_REMOUNT = 32
MS_BIND = 4096
MNT_DETACH = 2
# mount flags a bind's read-only remount must keep (locked in a user namespace)
MS_KEEP = 8 | 1024 | 2048 | 4096  # noexec, noatime, nodiratime, relatime
MS_REC = 0x4000
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

MACHINE = platform.machine()
# syscall numbers used directly (landlock, capset) by architecture
_SYSCALLS = {
    "x86_64": {"capset": 126, "landlock_create_ruleset": 444, "landlock_add_rule": 445,
               "landlock_restrict_self": 446},
    "aarch64": {"capset": 91, "landlock_create_ruleset": 444, "landlock_add_rule": 445,
                "landlock_restrict_self": 446},
}


class SandboxError(OSError):
    """A layer could not be applied."""


def _check(ret: int, what: str) -> int:
    if ret < 0:
        err = ctypes.get_errno()
        raise SandboxError(err, f"{what}: {os.strerror(err)}")
    return ret


def syscall(name: str, *args: object) -> int:
    table = _SYSCALLS.get(MACHINE)
    if table is None:
        raise SandboxError(0, f"unsupported architecture {MACHINE}")
    return _check(_libc.syscall(table[name], *args), name)


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int,
          data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return s.encode() if s is not None else None

    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags),
                       enc(data)), f"mount {target}")


def umount_detach(target: str) -> None:
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    return _check(_libc.prctl(option, ctypes.c_ulong(arg2), ctypes.c_ulong(arg3),
                              ctypes.c_ulong(arg4), ctypes.c_ulong(arg5)), "prctl")


def prctl_ptr(option: int, arg2: int, ptr: object) -> int:
    return _check(_libc.prctl(option, ctypes.c_ulong(arg2), ptr, 0, 0), "prctl")


def drop_capabilities() -> None:
    """Clear the effective, permitted and inheritable capability sets (capset v3)."""
    header = struct.pack("Ii", 0x20080522, 0)
    data = bytes(24)  # two __user_cap_data_struct of three u32, all zero
    hbuf = ctypes.create_string_buffer(header, len(header))
    dbuf = ctypes.create_string_buffer(data, len(data))
    syscall("capset", hbuf, dbuf)


def vm_size_bytes() -> int:
    """This process's mapped address space (VmSize), the base an RLIMIT_AS cap is added to."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0
