"""Pure rules of the domain: no I/O, no Textual, no SQLAlchemy."""
