"""A seccomp deny-list: the calls a practice submission never needs return EPERM.

Denied: namespace and mount manipulation, ptrace and cross-process memory access, kernel
modules, kexec, bpf, perf, keyrings, io_uring, reboot, swap, clock setting. ``clone`` is allowed
except with namespace flags; ``clone3`` returns ENOSYS so libc falls back to ``clone``, whose
flags the filter can see.
"""

from __future__ import annotations

import ctypes
import errno
import struct

from torchdojo.grader import linux

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_DENY = {
    "x86_64": [101, 165, 166, 272, 308, 155, 161, 246, 320, 175, 313, 176, 321, 298, 250, 248,
               249, 169, 167, 168, 323, 310, 311, 304, 303, 425, 426, 427, 163, 164, 227, 179,
               428, 429, 430, 431, 432, 433, 442],
    "aarch64": [117, 40, 39, 97, 268, 41, 51, 104, 294, 105, 273, 106, 280, 241, 219, 217, 218,
                142, 224, 225, 282, 270, 271, 265, 264, 425, 426, 427, 89, 170, 112, 428, 429,
                430, 431, 432, 433, 442],
}
_CLONE = {"x86_64": 56, "aarch64": 220}
_CLONE3 = 435
_NS_FLAGS = (linux.CLONE_NEWNS | linux.CLONE_NEWCGROUP | linux.CLONE_NEWUTS |
             linux.CLONE_NEWIPC | linux.CLONE_NEWUSER | linux.CLONE_NEWPID | linux.CLONE_NEWNET)

# classic BPF opcodes
LD_W_ABS, JEQ_K, JSET_K, RET_K = 0x20, 0x15, 0x45, 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
RET_KILL_PROCESS = 0x80000000


def _ins(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def program(machine: str = linux.MACHINE) -> bytes:
    """The filter for ``machine`` as raw sock_filter instructions."""
    deny = _DENY[machine]
    prog = [
        _ins(LD_W_ABS, 0, 0, 4),  # A = arch
        _ins(JEQ_K, 1, 0, AUDIT_ARCH[machine]),
        _ins(RET_K, 0, 0, RET_KILL_PROCESS),
        _ins(LD_W_ABS, 0, 0, 0),  # A = syscall number
    ]
    for nr in deny:
        prog += [_ins(JEQ_K, 0, 1, nr), _ins(RET_K, 0, 0, RET_ERRNO | errno.EPERM)]
    prog += [
        _ins(JEQ_K, 0, 1, _CLONE3), _ins(RET_K, 0, 0, RET_ERRNO | errno.ENOSYS),
        _ins(JEQ_K, 0, 3, _CLONE[machine]),
        _ins(LD_W_ABS, 0, 0, 16),  # A = low word of args[0] (clone flags)
        _ins(JSET_K, 0, 1, _NS_FLAGS),
        _ins(RET_K, 0, 0, RET_ERRNO | errno.EPERM),
        _ins(RET_K, 0, 0, RET_ALLOW),
    ]
    return b"".join(prog)


def install() -> None:
    """Install the filter on this thread's process (no_new_privs must already be set)."""
    if linux.MACHINE not in _DENY:
        raise linux.SandboxError(0, f"no seccomp table for {linux.MACHINE}")
    code = program()
    buf = ctypes.create_string_buffer(code, len(code))
    fprog = struct.pack("HxxxxxxQ", len(code) // 8, ctypes.addressof(buf))
    fbuf = ctypes.create_string_buffer(fprog, len(fprog))
    linux.prctl_ptr(linux.PR_SET_SECCOMP, linux.SECCOMP_MODE_FILTER, fbuf)
