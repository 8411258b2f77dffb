"""The shared cache (Redis on the machine) for the tests that use it."""
import os

import pytest

from app.common import versions

CACHE_URL = os.environ.get("ELOKAL_TEST_CACHE_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture
def shared_cache(app):
    """The app's cache with Redis behind it, empty at the start and the end."""
    app.config["CACHE_URL"] = CACHE_URL
    versions.clear()
    try:
        yield versions.shared_client()
    finally:
        versions.clear()
        app.config["CACHE_URL"] = ""
