"""A grading host of server mode: one RQ ``SimpleWorker`` per core, each the warm worker of the
grader (its own zygote, sandboxed children and cached references), under a supervisor.

``python -m torchdojo.server.worker --workers N`` (URLs from ``TORCHDOJO_DATABASE_URL`` and
``TORCHDOJO_REDIS_URL``, never argv: ``ps`` shows argv to everyone) starts the supervisor,
which runs N worker processes and restarts any that dies. A job records its attempt in the
database itself, keyed by the job id, then returns the result through Redis, so:
- a worker killed mid-job (``kill -9``): the supervisor sees it die, hands the job back to RQ's
  own abandoned-job handling (``Retry``: the job is queued again) and starts a new worker; the
  job runs again and records one attempt;
- Redis restarting loses no recorded attempt (they are in the database); a worker whose Redis
  connection breaks exits and is restarted, and reconnects when Redis is back.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from torchdojo.server import checks

DB_ENV, REDIS_ENV = "TORCHDOJO_DATABASE_URL", "TORCHDOJO_REDIS_URL"
JOB_GRACE_S = 30  # how long a stopping worker may take to finish its job
_state: dict[str, Any] = {}  # this worker process's grader, bank and database


def wip_key(name: str) -> str:
    """Redis key naming the job the worker ``name`` runs now (for the supervisor)."""
    return f"torchdojo:wip:{name}"


def grade_check(user: int, problem_id: str, source: str, scope: str, filename: str) -> dict:
    """The job: grade, record the attempt (once per job id), return the result shape v1."""
    from rq import get_current_job

    job = get_current_job()
    bank, worker, db = _state["bank"], _state["worker"], _state["db"]
    result = worker.grade(bank.get(problem_id), source, scope, filename)
    with db.store(user) as store:
        store.record_attempt(result, scope, job=job.id if job else None)
    out = result.to_dict()
    if job is not None:
        checks.publish_result(job.connection, job.id, out)  # wakes the learner's page
        if (job.connection.get(checks.inflight_key(user)) or b"").decode() == job.id:
            job.connection.delete(checks.inflight_key(user))
    return out


class GradingWorker(SimpleWorker):
    """A SimpleWorker (jobs run in this process, where the grader is warm) that names its
    current job under ``wip_key`` so its supervisor can recover the job if it is killed."""

    def execute_job(self, job: Job, queue: Any) -> None:
        self.connection.set(wip_key(self.name), job.id)
        try:
            super().execute_job(job, queue)
        finally:
            self.connection.delete(wip_key(self.name))


def run_one(name: str, cache_dir: Path) -> None:
    """One worker process: start the grader, then take jobs until stopped."""
    from torchdojo.bank import Bank
    from torchdojo.grader.runner import ZygoteRunner
    from torchdojo.grader.worker import Worker
    from torchdojo.server.db import Database

    url, redis_url = os.environ[DB_ENV], os.environ[REDIS_ENV]
    cache_dir.mkdir(parents=True, exist_ok=True)
    _state["bank"] = Bank()
    _state["worker"] = Worker(ZygoteRunner(hide=[cache_dir]), cache_dir=cache_dir)
    _state["db"] = Database(url, pool_size=1)
    # the submissions never see the URLs: the grader's children start with no environment
    redis = checks.connect(redis_url)
    worker = GradingWorker([checks.queue(redis)], connection=redis, name=name,
                           serializer=JSONSerializer)
    try:
        worker.work(with_scheduler=False, logging_level="WARNING")
    finally:
        _state["worker"].runner.close()
        _state["db"].close()


def recover(redis: Any, name: str) -> str | None:
    """After worker ``name`` died: if it was running a job, let RQ treat that job as abandoned
    now (queued again while it has retries, else failed) instead of after its heartbeat
    lapses. Returns the job id it handed back."""
    raw = redis.get(wip_key(name))
    redis.delete(wip_key(name))
    if not raw:
        return None
    job_id = raw.decode()
    try:
        job = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
    except Exception:  # noqa: BLE001 - gone already: nothing to recover
        return None
    if job.get_status() != JobStatus.STARTED:
        return None
    registry = checks.queue(redis).started_job_registry
    for member in redis.zrange(registry.key, 0, -1):
        if member.decode().split(":", 1)[0] == job_id:
            redis.zadd(registry.key, {member: 1})  # expired long ago
    registry.cleanup(timestamp=2)  # RQ's own handling of abandoned jobs, for these only
    return job_id


class Supervisor:
    """Runs ``n`` worker processes and replaces any that exits."""

    def __init__(self, n: int, cache_dir: Path, redis_url: str, prefix: str | None = None
                 ) -> None:
        self.n, self.cache_dir = n, cache_dir
        self.redis = checks.connect(redis_url)
        self.prefix = prefix or f"grader-{os.uname().nodename}-{os.getpid()}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def _start(self, name: str) -> None:
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "torchdojo.server.worker", "--one", name,
             "--cache", str(self.cache_dir)], stdin=subprocess.DEVNULL)

    def run(self) -> None:
        for i in range(self.n):
            self._start(f"{self.prefix}-{i}.0")
        while not self.stopping:
            time.sleep(0.2)
            for name, proc in list(self.procs.items()):
                if proc.poll() is None or self.stopping:
                    continue
                try:
                    job = recover(self.redis, name)
                    if job:
                        print(f"worker {name} died (exit {proc.returncode}) running job {job}: "
                              "queued again", file=sys.stderr, flush=True)
                except RedisError:
                    time.sleep(1)  # Redis is away; recover when the new worker is up
                del self.procs[name]
                slot, _, gen = name.rpartition(".")
                # a new name: RQ refuses a worker whose name is still registered (the dead
                # one's entry lapses only with its heartbeat)
                self._start(f"{slot}.{int(gen) + 1}")

    def stop(self, *_: Any) -> None:
        self.stopping = True
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # RQ's warm shutdown: finish the job
        for proc in self.procs.values():
            try:
                proc.wait(timeout=JOB_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m torchdojo.server.worker",
                                 description="Grading workers of torchdojo's server mode.")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "torchdojo-server")
    ap.add_argument("--one", metavar="NAME", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    for env in (DB_ENV, REDIS_ENV):
        if not os.environ.get(env):
            ap.error(f"set {env}")
    if args.one:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor stops us with SIGTERM
        run_one(args.one, args.cache)
        return
    sup = Supervisor(args.workers, args.cache, os.environ[REDIS_ENV])
    signal.signal(signal.SIGTERM, sup.stop)
    signal.signal(signal.SIGINT, sup.stop)
    sup.run()


if __name__ == "__main__":  # run the imported module, whose _state the jobs see
    from torchdojo.server.worker import main as imported_main

    imported_main()
