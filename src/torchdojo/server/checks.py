"""The web side of server-mode grading: checks go on a Redis queue (RQ) and come back there.

The web app never grades and never imports the grader: it enqueues
``torchdojo.server.worker.grade_check`` by name, with JSON (not pickle) as the job format, and
reads the job's state, queue position and result. Each user has at most one check in flight and
``RATE`` checks a minute; a job is only ever shown to the user who sent it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

QUEUE = "torchdojo-checks"
JOB_FUNC = "torchdojo.server.worker.grade_check"
RATE = 30  # checks per user per minute
JOB_TIMEOUT = 300  # seconds: the longest training problem, cold references included
RESULT_TTL = 3600


class QueueUnavailable(RuntimeError):
    """Redis did not answer."""


@contextmanager
def _reaching_redis() -> Iterator[None]:
    """Say "the queue is unreachable" (QueueUnavailable) for any of redis-py's errors."""
    try:
        yield
    except RedisError as exc:
        raise QueueUnavailable(f"the grading queue is unreachable ({exc})") from None


class TooManyChecks(RuntimeError):
    """The user's rate limit or in-flight limit says wait; ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


DONE_CHANNEL = "torchdojo:done"  # a finished job's id is published here


def inflight_key(user: int) -> str:
    return f"torchdojo:inflight:{user}"


def result_key(job_id: str) -> str:
    """Where the worker puts a job's result (JSON) before it announces the job on
    ``DONE_CHANNEL``: set before RQ itself marks the job finished, so a waiter woken by the
    announcement always finds it."""
    return f"torchdojo:result:{job_id}"


def publish_result(redis: Redis, job_id: str, result: dict) -> None:
    redis.set(result_key(job_id), json.dumps(result), ex=RESULT_TTL)
    redis.publish(DONE_CHANNEL, job_id)


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3,
                          health_check_interval=30)


def queue(redis: Redis) -> Queue:
    return Queue(QUEUE, connection=redis, serializer=JSONSerializer)


@dataclass
class JobView:
    """What the page shows of a job: ``state`` is queued, grading, done or failed."""

    id: str
    state: str
    position: int | None = None  # 0 = next to run (queued only)
    waited_s: float = 0.0
    result: dict | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"job": self.id, "state": self.state, "position": self.position,
                "waited_s": round(self.waited_s, 1), "result": self.result}


def enqueue(redis: Redis, user: int, problem: str, source: str, scope: str,
            filename: str) -> JobView:
    """Put one check on the queue for ``user`` (TooManyChecks when over the limits)."""
    with _reaching_redis():
        window = int(time.time() // 60)
        key = f"torchdojo:rate:{user}:{window}"
        pipe = redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 120)
        count = pipe.execute()[0]
        if count > RATE:
            raise TooManyChecks(f"at most {RATE} checks a minute: wait a moment",
                                60 - int(time.time() % 60))
        q = queue(redis)
        job = q.create_job(JOB_FUNC, args=(user, problem, source, scope, filename),
                           timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL,
                           failure_ttl=RESULT_TTL, retry=Retry(max=2),
                           meta={"user": user, "problem": problem})
        # one check in flight per user: the slot names the job and lapses with it
        if not redis.set(inflight_key(user), job.id, nx=True, ex=JOB_TIMEOUT + 60):
            other = redis.get(inflight_key(user))
            view = view_job(redis, user, other.decode()) if other else None
            if view is not None and view.state in ("queued", "grading"):
                raise TooManyChecks("your previous check is still running", 2)
            redis.set(inflight_key(user), job.id, ex=JOB_TIMEOUT + 60)
        q.enqueue_job(job)
        return JobView(job.id, "queued", q.get_job_position(job.id) or 0)


def view_job(redis: Redis, user: int, job_id: str) -> JobView | None:
    """The job as its owner sees it; None when it does not exist or is someone else's."""
    with _reaching_redis():
        return _view(redis, user, job_id)


def _view(redis: Redis, user: int, job_id: str) -> JobView | None:
    try:
        job = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
    except (NoSuchJobError, ValueError):
        return None
    if job.meta.get("user") != user:
        return None
    waited = time.time() - job.enqueued_at.timestamp() if job.enqueued_at else 0.0
    done = redis.get(result_key(job.id))
    if done is not None:
        return JobView(job.id, "done", waited_s=waited, result=json.loads(done))
    status = job.get_status()
    if status == JobStatus.FINISHED:
        return JobView(job.id, "done", waited_s=waited, result=job.return_value())
    if status == JobStatus.STARTED:
        return JobView(job.id, "grading", waited_s=waited)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        problem = job.meta.get("problem", "")
        return JobView(job.id, "failed", waited_s=waited, result={
            "version": 1, "problem": problem, "status": "error", "duration_ms": 0, "tests": [],
            "message": "the grading server could not finish this check; it was not "
                       "recorded, please check again"})
    position = queue(redis).get_job_position(job.id)
    return JobView(job.id, "queued", position if position is not None else 0, waited)


def depth(redis: Redis) -> dict[str, int]:
    """How many checks wait and run (for the admin page and the load benchmark)."""
    with _reaching_redis():
        q = queue(redis)
        return {"queued": q.count, "grading": q.started_job_registry.count}


class Announcements:
    """Wakes the requests that wait for a job (``GET /api/jobs/{id}?wait=S``) when its worker
    announces it on ``DONE_CHANNEL``: one subscription per web process, instead of every
    learner's page polling the database and Redis. Lost announcements (Redis restarting) only
    cost a waiter its timeout: it then reads the job's state as usual."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.waiting: dict[str, list[asyncio.Event]] = {}
        self.task: asyncio.Task | None = None

    async def _listen(self) -> None:
        from redis.asyncio import Redis as AsyncRedis

        while True:
            client = AsyncRedis.from_url(self.url, socket_connect_timeout=3)
            try:
                async with client.pubsub() as ps:
                    await ps.subscribe(DONE_CHANNEL)
                    async for msg in ps.listen():
                        if msg.get("type") == "message":
                            for ev in self.waiting.pop(msg["data"].decode(), []):
                                ev.set()
            except (RedisError, OSError):
                await asyncio.sleep(0.5)  # Redis is away: try again
            finally:
                await client.aclose()

    def expect(self, job_id: str) -> asyncio.Event:
        """An event set when ``job_id`` is announced; take it before reading the job's state,
        so an announcement between the two is not missed. ``forget`` it afterwards."""
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._listen())
        ev = asyncio.Event()
        self.waiting.setdefault(job_id, []).append(ev)
        return ev

    def forget(self, job_id: str, ev: asyncio.Event) -> None:
        evs = self.waiting.get(job_id, [])
        if ev in evs:
            evs.remove(ev)
        if not evs:
            self.waiting.pop(job_id, None)

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
