"""Server mode: PostgreSQL + Redis + RQ (see services.py for the development servers)."""
