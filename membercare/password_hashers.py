"""How local passwords are stored: Argon2id at the cost OWASP's cheat sheet names as its floor.

Django's default, PBKDF2 at 1,500,000 iterations, takes about 0.6 CPU-seconds a sign-in here, on
the same threads that serve lookups: a hundred agents signing in at shift start kept lookups
waiting up to a minute (issue 9). Argon2id with 19 MiB, 2 passes and 1 lane (OWASP Password
Storage Cheat Sheet) is memory-hard, which costs an attacker's GPUs far more than our CPU, and
takes a small fraction of that time (docs/benchmarks.md, "Sign-in"). Hashes of other kinds and
costs still verify, and are rewritten in this form at the user's next sign-in (Django's
must_update).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
