"""Test settings: the project's settings, with the environment a test run needs set first.

The environment wins over `.env`, so a developer's `.env` cannot change what the tests see.
DATABASE_URL, SANDBOX_DATABASE_URL and REDIS_URL pass through, so CI can run the suite on
PostgreSQL and Redis.
"""

import os
import tempfile

os.environ["DEBUG"] = "false"
os.environ["SECRET_KEY"] = "test-only-secret-key"
os.environ["SANDBOX_ENABLED"] = "true"
os.environ["CAPILLARY_BASE_URL"] = "http://127.0.0.1:9/sandbox"  # tests point it at a live sandbox
os.environ["CAPILLARY_USERNAME"] = "sandbox.till"
os.environ["CAPILLARY_PASSWORD"] = "sandbox-till-password"
os.environ["CAPILLARY_COUNTRY_CODE"] = "IN"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from membercare.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast personas
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# SQLite test databases in files, not in memory: an in-memory database makes the live server's
# threads share one connection, and concurrent htmx requests in browser tests then collide.
# One set per test process, so two runs on one machine (or one checkout) never share them.
for _alias, _database in DATABASES.items():  # noqa: F405
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _name = f"membercare-test-{os.getpid()}-{_alias}.sqlite3"
        _database["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), _name)}
