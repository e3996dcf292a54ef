"""One schema, two stores: the Alembic migrations on PostgreSQL, the embedded store's SQLite
DDL and ``torchdojo.server.schema`` must agree, and the same store code must behave the same on
both (and keep users apart on the server)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from services_fixture import services  # noqa: F401
from torchdojo.results import Result, TestResult
from torchdojo.server.db import Database, upgrade
from torchdojo.server.schema import metadata
from torchdojo.store import LOCAL_USER, SCHEMA_REVISION, Store


def _res(pid: str, status: str) -> Result:
    return Result(pid, status, "m", 5, [TestResult("a", "pass" if status == "pass" else "fail")])


@pytest.fixture(scope="module")
def pg(services) -> Iterator[Database]:  # type: ignore[no-untyped-def]  # noqa: F811
    upgrade(services.postgres.url)
    db = Database(services.postgres.url)
    yield db
    db.close()


def _new_user(db: Database, name: str) -> int:
    with db.begin() as conn:
        return conn.execute(text("INSERT INTO users (name, password_hash, is_admin, created) "
                                 "VALUES (:n, '', 0, 0) RETURNING id"), {"n": name}).scalar_one()


def _diff(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()


def _shape(url: str) -> dict:
    """Tables -> (columns with nullability, primary key, unique sets, indexes, foreign keys)."""
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        out = {}
        for t in insp.get_table_names():
            if t == "alembic_version":
                continue
            out[t] = (sorted((c["name"], c["nullable"]) for c in insp.get_columns(t)),
                      insp.get_pk_constraint(t)["constrained_columns"],
                      sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(t)),
                      sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(t)
                             if not i.get("unique")),
                      sorted((tuple(f["constrained_columns"]), f["referred_table"],
                              f["options"].get("ondelete")) for f in insp.get_foreign_keys(t)))
        return out
    finally:
        engine.dispose()


def test_migrations_and_embedded_ddl_are_the_one_schema(pg: Database, tmp_path: Path) -> None:
    assert _diff(pg.url) == []  # PostgreSQL after `alembic upgrade head` == the metadata
    db = tmp_path / "p.sqlite3"
    Store(db).close()
    embedded = f"sqlite:///{db}"
    assert _diff(embedded) == []  # the embedded store's own DDL == the metadata
    migrated = tmp_path / "m.sqlite3"
    upgrade(f"sqlite:///{migrated}")  # and Alembic on SQLite gives the same again
    assert _shape(embedded) == _shape(f"sqlite:///{migrated}") == _shape(pg.url)
    assert len(_shape(pg.url)) == len(metadata.tables)
    with sqlite3.connect(db) as conn:  # stamped, so Alembic would start from the right place
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SCHEMA_REVISION,)]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        st = Store(tmp_path / "p.sqlite3")
        yield st
        st.close()
    else:
        db = request.getfixturevalue("pg")
        with db.store(_new_user(db, f"u{tmp_path.name[-12:]}".lower())) as st:
            yield st


def test_the_store_behaves_the_same_on_both(store: Store) -> None:
    assert store.status("x") == "new" and store.last_problem() is None
    assert store.record_attempt(_res("x", "fail"))
    assert store.record_attempt(_res("x", "pass"), scope="public")
    assert store.status("x") == "attempted"  # a public-only pass is not a solve
    assert store.record_attempt(_res("x", "pass"), job="job-1")
    assert not store.record_attempt(_res("x", "pass"), job="job-1")  # the same job: once
    assert store.record_attempt(_res("y", "fail"), job="job-2")
    assert store.statuses() == {"x": "solved", "y": "attempted"}
    assert [a["status"] for a in store.attempts("x")] == ["fail", "pass", "pass"]
    assert store.last_problem() == "y"
    assert [store.reveal_hint("x", 2) for _ in range(3)] == [1, 2, 2]
    store.mark_solution_viewed("x", after_pass=True)
    store.mark_solution_viewed("x", after_pass=False)  # the first view is kept
    assert store.solution_viewed("x") and not store.solution_viewed("y")
    store.mark_lesson_read("l1")
    store.mark_lesson_read("l1")
    assert store.lessons_read() == {"l1"}
    store.set_setting("lang", "zh-Hans")
    store.set_setting("lang", "en")
    assert store.get_setting("lang") == "en" and store.get_setting("nope", "d") == "d"
    assert store.code("x") is None
    store.save_code("x", "a = 1\n")
    store.save_code("x", "a = 2\n")
    assert store.code("x") == "a = 2\n"
    store.record_review("c1", 10.0, False, "again", "r" * 600, "{}", 20.0)
    store.record_review("c1", 30.0, True, "good", "ok", '{"s": 1}', 40.0)
    assert store.card_states() == {"c1": {"fsrs": '{"s": 1}', "due": 40.0, "reviews": 2,
                                          "lapses": 1}}
    assert [len(r["reply"]) for r in store.card_reviews("c1")] == [500, 2]


def test_users_never_see_each_others_rows(pg: Database) -> None:
    a, b = _new_user(pg, "iso-a"), _new_user(pg, "iso-b")
    with pg.store(a) as sa:
        sa.record_attempt(_res("x", "pass"))
        sa.save_code("x", "secret = 1\n")
        sa.reveal_hint("x", 3)
        sa.set_setting("lang", "zh-Hant")
        sa.record_review("c1", 1.0, True, "good", "mine", "{}", 2.0)
        sa.mark_lesson_read("l1")
    with pg.store(b) as sb:
        assert sb.statuses() == {} and sb.attempts() == [] and sb.last_problem() is None
        assert sb.code("x") is None and sb.hints_revealed("x") == 0
        assert sb.get_setting("lang") is None and sb.card_states() == {}
        assert sb.card_reviews() == [] and sb.lessons_read() == set()
        sb.save_code("x", "b's own\n")
    with pg.store(a) as sa:
        assert sa.code("x") == "secret = 1\n" and sa.status("x") == "solved"


LEGACY = """
CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, problem TEXT NOT NULL, ts REAL NOT
 NULL, status TEXT NOT NULL, scope TEXT NOT NULL DEFAULT 'all', passed INTEGER NOT NULL, failed
 INTEGER NOT NULL, errored INTEGER NOT NULL, skipped INTEGER NOT NULL, duration_ms INTEGER NOT
 NULL);
CREATE INDEX attempts_problem ON attempts(problem);
CREATE TABLE solves (problem TEXT PRIMARY KEY, ts REAL NOT NULL);
CREATE TABLE hints (problem TEXT PRIMARY KEY, revealed INTEGER NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE card_state (card TEXT PRIMARY KEY, fsrs TEXT NOT NULL, due REAL NOT NULL, reviews
 INTEGER NOT NULL, lapses INTEGER NOT NULL);
INSERT INTO attempts (problem, ts, status, scope, passed, failed, errored, skipped, duration_ms)
 VALUES ('x', 1, 'pass', 'all', 3, 0, 0, 0, 9), ('y', 2, 'fail', 'all', 0, 1, 0, 0, 9);
INSERT INTO solves VALUES ('x', 1);
INSERT INTO hints VALUES ('y', 2);
INSERT INTO settings VALUES ('lang', 'zh-Hans');
INSERT INTO card_state VALUES ('c1', '{}', 5, 1, 0);
"""


def test_a_database_of_the_first_layout_is_adopted(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.executescript(LEGACY)  # the single-user layout (no lessons_read, no card_reviews)
    st = Store(db)
    assert st.user == LOCAL_USER
    assert st.statuses() == {"x": "solved", "y": "attempted"}
    assert st.hints_revealed("y") == 2 and st.get_setting("lang") == "zh-Hans"
    assert st.card_states()["c1"]["reviews"] == 1 and len(st.attempts()) == 2
    st.record_attempt(_res("y", "pass"))
    assert st.status("y") == "solved"
    st.close()
    assert _diff(f"sqlite:///{db}") == []  # and it is the head schema now
