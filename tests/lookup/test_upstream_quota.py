"""The org's budget holds across processes: two of them, one Redis, never more calls than it."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

REDIS = "redis://127.0.0.1:6379/10"  # a database of its own, emptied before and after
ROOT = Path(__file__).resolve().parents[2]
BUDGET = 40
TRIES = 120  # per process: three times the budget between them


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


def test_two_processes_hammering_the_guard_never_exceed_the_budget(shared_redis):
    env = os.environ | {
        "REDIS_URL": REDIS,
        "CAPILLARY_RATE_LIMIT": str(BUDGET),
        "LOG_LEVEL": "ERROR",
    }
    start_at = time.time() + 1.5  # both start together, after Django is set up
    command = [sys.executable, "-m", "tests.lookup.quota_hammer", str(TRIES), str(start_at)]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 0
        results.append(json.loads(out.strip().splitlines()[-1]))

    calls = sum(result["calls"] for result in results)
    assert calls <= BUDGET
    assert calls >= BUDGET * 3 // 4  # refusals under a race are cautious, not wholesale
    assert all(result["calls"] > 0 for result in results)  # both took part
    assert sum(result["refused"] for result in results) == 2 * TRIES - calls
