"""Isolation of one grading child, layer by layer, using every layer the machine offers.

Called in a process freshly forked from the zygote. ``enter_namespaces`` runs in the outer child
(still privileged: cgroup, unshare); ``lock_down`` runs in the inner child, which is pid 1 of a
new pid namespace (mounts, loopback, privileges, Landlock, seccomp, environment). ``apply_limits``
sets the per-job rlimits when the job arrives. Each step records what it achieved in ``LAYERS``,
which ``torchdojo doctor`` reports; a layer that cannot be applied is recorded as missing, never
silently assumed.
"""

from __future__ import annotations

import fcntl
import os
import resource
import socket
import struct
import sys
from dataclasses import dataclass

from torchdojo.grader import cgroups, landlock, linux, protocol, seccomp

SCRATCH = "/tmp/work"
SCRATCH_MB = 64
PIDS_MAX = 64
NOBODY = 65534
LAYERS: dict[str, str] = {}


def _try(name: str, fn, ok: str = "on") -> bool:  # type: ignore[no-untyped-def]
    try:
        res = fn()
    except OSError as exc:
        LAYERS[name] = f"off ({exc.strerror or exc})"
        return False
    LAYERS[name] = res if isinstance(res, str) else ok
    return True


def enter_namespaces(group: cgroups.ChildGroup | None, memory_mb: int) -> bool:
    """Outer child: own session, death signal, cgroup, new namespaces. True if pid ns is new."""
    os.setsid()
    linux.prctl(linux.PR_SET_PDEATHSIG, 9)
    LAYERS.clear()
    LAYERS["session"] = "on"
    if group is not None:
        made = group.create(PIDS_MAX, memory_mb << 20)
        try:
            group.join()
            LAYERS["cgroup"] = "on (" + ", ".join(made) + ")" if made else "off"
        except OSError as exc:
            LAYERS["cgroup"] = f"off ({exc.strerror})"
    else:
        LAYERS["cgroup"] = "off (no writable cgroup hierarchy)"
    flags = (linux.CLONE_NEWNS | linux.CLONE_NEWNET | linux.CLONE_NEWIPC | linux.CLONE_NEWUTS
             | linux.CLONE_NEWPID)
    uid, gid = os.getuid(), os.getgid()
    if uid != 0:
        flags |= linux.CLONE_NEWUSER
    try:
        linux.unshare(flags)
    except OSError as exc:
        LAYERS["namespaces"] = f"off ({exc.strerror})"
        return False
    if uid != 0:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"0 {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"0 {gid} 1")
        LAYERS["namespaces"] = "on (user, pid, net, mount, ipc, uts)"
    else:
        LAYERS["namespaces"] = "on (pid, net, mount, ipc, uts)"
    return True


SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/proc",
               "/sys", "/dev")


@dataclass(frozen=True)
class ReadPlan:
    """What a child may read: worked out once in the zygote, applied in every child.

    ``allow``: the paths Landlock lets the child read (everything else is unreadable);
    ``hide``: the secret directories an empty read-only tmpfs is mounted over, for machines or
    paths where Landlock cannot say no (the references of the bank, the workspace with its
    progress database and reference cache).
    """

    allow: tuple[str, ...]
    hide: tuple[str, ...]


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def default_secrets() -> list[str]:
    """The bank's problem folders (references, mutants) and the concept cards' answers."""
    import torchdojo

    pkg = os.path.dirname(torchdojo.__file__)
    return [os.path.join(pkg, "problems"), os.path.join(pkg, "concepts")]


def needed_paths() -> list[str]:
    """Where this Python imports from: its prefixes and every directory on sys.path."""
    cands = [sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))]
    for p in sys.path:
        if p and os.path.isdir(p):
            cands.append(p)
        elif p and os.path.isfile(p):  # a zip on sys.path
            cands.append(p)
    return sorted({os.path.realpath(p) for p in cands})


def read_plan(extra_secrets: list[str]) -> ReadPlan:
    """The system directories and what Python needs, with the secrets carved out.

    Landlock only ever allows, so a directory that holds a secret somewhere below it (a checkout
    on sys.path holding the bank, a virtual environment with torchdojo installed in it) is
    allowed entry by entry, down to the secret, which is left out.
    """
    needed = needed_paths()
    # any other copy of the bank importable from here (a second checkout on sys.path, an
    # installed package beside an editable one) holds the same references
    copies = [os.path.join(n, "torchdojo", sub) for n in needed for sub in ("problems", "concepts")
              if os.path.isdir(os.path.join(n, "torchdojo", "problems"))]
    secrets = sorted({os.path.realpath(p) for p in [*default_secrets(), *copies, *extra_secrets]
                      if p})
    allow: list[str] = []

    def visit(path: str, depth: int = 0) -> None:
        real = os.path.realpath(path)
        if any(_inside(real, s) for s in secrets) or not os.path.exists(real):
            return
        if depth < 12 and os.path.isdir(real) and any(_inside(s, real) for s in secrets):
            try:
                entries = sorted(os.scandir(real), key=lambda e: e.name)
            except OSError:
                return
            for e in entries:
                visit(e.path, depth + 1)
        elif real not in allow:
            allow.append(real)

    for path in [*SYSTEM_DIRS, *needed]:
        visit(path)
    # a secret that holds something Python needs (a workspace holding the venv) cannot be
    # covered by a mount; Landlock still leaves it out
    hide = [s for s in secrets if os.path.isdir(s) and not any(_inside(n, s) for n in needed)]
    return ReadPlan(tuple(allow), tuple(hide))


def _under_tmp_needed() -> list[str]:
    """Directories Python imports from that the scratch tmpfs on /tmp would hide.

    A checkout or virtual environment under /tmp (a clone in /tmp, a CI runner's work dir) must
    stay importable in the child: torch loads many submodules lazily. Nested paths are folded
    into their outermost ancestor.
    """
    cands = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix, *sys.path]
    paths = sorted({os.path.realpath(p) for p in cands if p and os.path.isdir(p)})
    keep: list[str] = []
    for p in paths:
        if p.startswith("/tmp/") and not any(p == k or p.startswith(k + "/") for k in keep):
            keep.append(p)
    return keep


def _hide(paths: tuple[str, ...]) -> list[str]:
    """Mount an empty read-only tmpfs over each secret directory; the ones it covered."""
    hidden = []
    for path in paths:
        if not os.path.isdir(path):
            continue  # under the fresh /tmp, say: already gone
        try:
            linux.mount("tmpfs", path, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC
                        | linux.MS_RDONLY, "size=4k,mode=0555")
            hidden.append(path)
        except OSError:
            pass
    return hidden


def _mounts(plan: ReadPlan) -> str:
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    opts = linux.MS_NOSUID | linux.MS_NODEV
    keep = _under_tmp_needed()
    # handles on them under the old /tmp, and the mount flags a remount must keep
    held = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY), os.statvfs(p).f_flag) for p in keep]
    linux.mount("tmpfs", "/tmp", "tmpfs", opts, f"size={SCRATCH_MB}m,mode=1777")
    kept = []
    for path, fd, f_flag in held:
        # bind the hidden directory back in through its handle, then make the bind read-only;
        # a bind left writable would be writable under Landlock's /tmp rule, so drop it instead
        os.makedirs(path, exist_ok=True)
        linux.mount(f"/proc/self/fd/{fd}", path, None, linux.MS_BIND | linux.MS_REC)
        os.close(fd)
        try:
            linux.mount(None, path, None, linux.MS_REMOUNT | linux.MS_BIND | linux.MS_RDONLY
                        | opts | (f_flag & linux.MS_KEEP))
            kept.append(path)
        except OSError:
            linux.umount_detach(path)
    if os.path.isdir("/dev/shm"):
        linux.mount("tmpfs", "/dev/shm", "tmpfs", opts | linux.MS_NOEXEC,
                    f"size={SCRATCH_MB}m,mode=1777")
    try:
        linux.mount("proc", "/proc", "proc", opts | linux.MS_NOEXEC)
    except OSError:
        pass
    os.makedirs(SCRATCH, mode=0o777, exist_ok=True)
    os.chmod(SCRATCH, 0o777)
    hidden = _hide(plan.hide)
    LAYERS["hidden"] = (f"on (empty tmpfs over {len(hidden)} secret director"
                        f"{'y' if len(hidden) == 1 else 'ies'}: {', '.join(hidden)})"
                        if hidden else "off (nothing to hide, or mounts refused)")
    also = f"; read-only {', '.join(kept)}" if kept else ""
    if len(kept) < len(keep):
        also += f"; could not keep {', '.join(p for p in keep if p not in kept)}"
    return f"on (private tmpfs {SCRATCH_MB} MiB on /tmp and /dev/shm{also})"


def _loopback_up() -> str:
    siocgifflags, siocsifflags = 0x8913, 0x8914
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sh22x", b"lo", 0)
        flags = struct.unpack("16sh22x", fcntl.ioctl(s.fileno(), siocgifflags, req))[1]
        fcntl.ioctl(s.fileno(), siocsifflags, struct.pack("16sh22x", b"lo", flags | 0x1 | 0x40))
    return "on (loopback only)"


def _drop_privileges() -> str:
    """Become nobody where the Python installation is readable by others; else drop caps."""
    if _outer_root() and all(_world_traversable(p) for p in _needed_paths()):
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
        return "on (uid nobody, no capabilities)"
    linux.drop_capabilities()
    return "on (no capabilities)"


def _needed_paths() -> list[str]:
    import torch

    return [sys.base_prefix, sys.prefix, os.path.dirname(torch.__file__)]


def _world_traversable(path: str) -> bool:
    """Every directory from / down to ``path`` can be entered by any user."""
    path = os.path.realpath(path)
    while True:
        try:
            if not os.stat(path).st_mode & 0o001:
                return False
        except OSError:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def _outer_root() -> bool:
    """True when we are real root of the initial user namespace (no user namespace made)."""
    try:
        first = open("/proc/self/uid_map").read().split()
    except OSError:
        return os.getuid() == 0
    return len(first) >= 3 and first[0] == "0" and first[1] == "0"


def lock_down(pid_ns: bool, plan: ReadPlan) -> None:
    """Inner child (pid 1 of the new pid namespace, when there is one): the remaining layers."""
    linux.prctl(linux.PR_SET_PDEATHSIG, 9)
    LAYERS["pid namespace"] = "on (whole tree dies with the job)" if pid_ns else "off"
    mounted = _try("filesystem", lambda: _mounts(plan))
    if not mounted:
        LAYERS["hidden"] = "off (no mount namespace)"
        os.makedirs(SCRATCH, exist_ok=True)
    if LAYERS.get("namespaces", "").startswith("on"):
        _try("network", _loopback_up)
    else:
        LAYERS["network"] = "off (no network namespace)"
    os.chdir(SCRATCH)
    _try("privileges", _drop_privileges)
    linux.prctl(linux.PR_SET_PDEATHSIG, 9)  # a credential change clears the death signal
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    writable = [SCRATCH] if not mounted else ["/tmp", "/dev/shm"]
    devices = ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/full"]
    _try("landlock", lambda: f"on (ABI {landlock.restrict(plan.allow, writable, devices)}, "
                             f"reads only {len(plan.allow)} allowed paths: the system, Python "
                             "and its packages, not the bank's references or the workspace; "
                             "writes only the scratch)")
    _try("seccomp", lambda: seccomp.install() or "on (deny-list)")
    os.environ.clear()
    os.environ.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=SCRATCH, TMPDIR=SCRATCH,
                      LANG="C.UTF-8", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                      **protocol.CPU_ONLY_ENV)
    LAYERS["environment"] = "on (cleared; CPU only, GPUs hidden)"


def apply_limits(time_s: float, memory_mb: int, have_memory_cgroup: bool,
                 have_pids_cgroup: bool) -> None:
    """Per-job rlimits: CPU seconds, file size, open files, core dumps, and fallbacks."""
    cpu = int(time_s) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (SCRATCH_MB << 20, SCRATCH_MB << 20))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    LAYERS["rlimits"] = f"on (cpu {cpu} s, files {SCRATCH_MB} MiB, 256 fds)"
    if not have_memory_cgroup:
        vm = linux.vm_size_bytes()
        cap = vm + (memory_mb << 20)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        LAYERS["memory"] = f"rlimit (address space +{memory_mb} MiB)"
    else:
        LAYERS["memory"] = f"cgroup ({memory_mb} MiB)"
    if not have_pids_cgroup:
        resource.setrlimit(resource.RLIMIT_NPROC, (PIDS_MAX, PIDS_MAX))
        LAYERS["pids"] = f"rlimit ({PIDS_MAX} per user)"
    else:
        LAYERS["pids"] = f"cgroup ({PIDS_MAX})"
