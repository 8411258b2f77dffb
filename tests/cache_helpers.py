"""The shared cache (Redis on the machine) for the tests that use it."""
import pytest

from app.common import versions


@pytest.fixture
def shared_cache(app, redis_url):
    """The app's cache with Redis behind it (``redis_url``), empty at the start and the end."""
    app.config["CACHE_URL"] = redis_url
    versions.clear()
    try:
        yield versions.shared_client()
    finally:
        versions.clear()
        app.config["CACHE_URL"] = ""
