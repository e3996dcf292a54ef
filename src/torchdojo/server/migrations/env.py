"""Alembic's environment for torchdojo: the URL comes from the caller (``torchdojo.server.db``),
the target is ``torchdojo.server.schema.metadata``. Online mode only: a database is at hand."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from torchdojo.server.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is not None:  # a caller lent its own connection
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata,
                          render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
