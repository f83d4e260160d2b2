"""The schema's current revision, apart from schema.py so that a reader without SQLAlchemy
(store/snapshot.py) can check it too."""

# The newest migration under migrations/versions; a test checks they agree.
HEAD_REVISION = "0002_establishment_phone"
