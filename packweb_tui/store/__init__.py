"""The store: SQLAlchemy models, the engine, sessions, migrations and queries."""
