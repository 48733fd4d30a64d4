"""WSGI entry point: the only module-level application object."""

from app import create_app
from app.health import report_at_start

app = create_app()
report_at_start(app)
