"""WSGI entry point: the only module-level application object."""

from app import create_app

app = create_app()
