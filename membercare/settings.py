"""membercare settings: one module, from the environment (and `.env`, which never overrides it)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over `.env` (read_env does not overwrite them).
# ENV_FILE names another file (or /dev/null for none).
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-dev-only-key"  # noqa: S105 - only ever used with DEBUG on
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORT = env.int("PORT", default=8000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "membercare.capillary",
    "membercare.sandbox",
    "membercare.access",
    "membercare.lookup",
    "membercare.audit",
    "membercare.accounts",
    "membercare.mfa",
    "membercare.sso",
]

MIDDLEWARE = [
    # First: the request id and the one log line per request (membercare/request_log.py).
    "membercare.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's Accept-Language (or the language cookie) before anyone is signed in...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # ...and the user's own choice, kept on their profile, once they are (membercare/i18n.py).
    "membercare.i18n.UserLanguageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "membercare.middleware.HtmxLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session idle or too old ends before anything else looks at it.
    "membercare.accounts.middleware.SessionLimitsMiddleware",
    # After the password, nothing but the second factor for those who owe one (membercare/mfa).
    "membercare.mfa.middleware.RequireSecondFactorMiddleware",
    # Every OIDC_RECHECK_SECONDS, asks the provider whether an SSO user may stay (membercare/sso).
    "membercare.sso.middleware.SSORecheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "membercare.middleware.PrivateResponsesMiddleware",
    # Retry-After on a 503 (Capillary or the org's budget) or 429 (the agent's own limit).
    "membercare.middleware.RetryAfterMiddleware",
    # Turns a sign-in that axes refused into the "sign-in paused" page.
    "axes.middleware.AxesMiddleware",
    # A view whose database was too busy answers 503 "try again", not 500 (membercare/errors.py).
    "membercare.errors.DatabaseBusyMiddleware",
]

# axes first: it refuses a locked-out username or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "membercare.urls"
WSGI_APPLICATION = "membercare.wsgi.application"

# Django's widget templates, with the dashboard's plain widgets rendered in Python (same HTML).
FORM_RENDERER = "membercare.form_renderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "membercare.access.context_processors.navigation",
                "membercare.accounts.context_processors.session_limits",
            ],
        },
    },
]

# The dashboard's own tables live in `default`; the sandbox's generated Capillary data lives in its
# own alias so that upstream data never mixes with ours (see membercare/sandbox/routers.py).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    "sandbox": env.db("SANDBOX_DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'sandbox.sqlite3'}"),
}
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the sandbox answer while the dashboard writes (one runserver serves both).
        _db.setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
        _db["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
        # A writer waits this long for the lock before "database is locked": Django's 5 s was
        # too short for 200 agents signing in at once on two cores (docs/benchmarks.md, Load).
        _db["OPTIONS"].setdefault("timeout", 20)
    # Reconnecting costs more than a request's own queries (measured: ~2 ms of a sandbox answer).
    _db.setdefault("CONN_MAX_AGE", 60)
    _db.setdefault("CONN_HEALTH_CHECKS", True)
DATABASE_ROUTERS = ["membercare.sandbox.routers.SandboxRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Redis is shared and outlives the process: member records and sessions in it are encrypted
# (membercare/cache_crypto.py). Comma-separated Fernet keys, the first encrypts, all decrypt; none
# set: a key derived from SECRET_KEY.
CACHE_ENCRYPTION_KEYS = env.list("CACHE_ENCRYPTION_KEYS", default=[])
# A Redis that hangs must not hang every request, and /readyz, with it: each command gives up
# after these many seconds (connecting, then waiting for an answer; Redis answers in well under a
# millisecond; redis-py's own default is 5 s each, and several commands make a request).
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.5)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "membercare.cache_crypto.EncryptedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "membercare",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a user's capabilities are remembered (membercare/access/policy.py). A change to access
# reaches every process through the cache; without Redis each process's cache is its own, and a
# group changed in one gunicorn worker would reach the others only when this runs out.
ACCESS_REMEMBER_SECONDS = env.int("ACCESS_REMEMBER_SECONDS", default=300 if REDIS_URL else 5)

# Local accounts' passwords: long (ASVS asks 12 at least), not like the user's name or email,
# not a common password, nor one dressed up with digits and symbols (membercare/passwords.py).
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "membercare.passwords.CommonWordValidator"},
]
# Argon2id first (membercare/password_hashers.py says why); the others still verify older hashes.
PASSWORD_HASHERS = [
    "membercare.password_hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Per process, the sign-in checks (a password, a second-factor code) made at once; the others wait
# their turn up to SIGN_IN_WAIT_SECONDS, then are told "Busy: try again": a sign-in storm at shift
# start must not take the CPU from agents on calls (membercare/accounts/sign_in_turns.py). 0: no
# bound.
SIGN_INS_AT_ONCE = env.int("SIGN_INS_AT_ONCE", default=2)
SIGN_IN_WAIT_SECONDS = env.float("SIGN_IN_WAIT_SECONDS", default=10)
# Demo users (`manage.py demo_users`, run by `make run`) sign in with this password.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="membercare-demo")

# Failed sign-ins (django-axes, counted in the database so that every process shares them): after
# SIGN_IN_FAILURE_LIMIT failures, a username, and separately an address, may not sign in for
# SIGN_IN_LOCKOUT_MINUTES. Admins lift a pause at Sign-ins.
SIGN_IN_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
SIGN_IN_LOCKOUT_MINUTES = env.int("SIGN_IN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "membercare.accounts.lockout.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "membercare.audit.events.client_ip"
# The audit trail records every sign-in; axes' own access log would be a second copy.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# A second factor (TOTP, with recovery codes) for every local user who may reveal contact details
# or manage access groups; MFA_REQUIRED_FOR_ALL asks it of every local user (membercare/mfa).
MFA_REQUIRED_FOR_ALL = env.bool("MFA_REQUIRED_FOR_ALL", default=False)
OTP_TOTP_ISSUER = "membercare"  # the name authenticator apps show
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # Django admin never shows a device's secret
# Wrong codes back off: 1, 2, 4, 8... seconds after successive failures (django-otp's throttle).
OTP_TOTP_THROTTLE_FACTOR = 1

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Single sign-on (OpenID Connect; membercare/sso/, on mozilla-django-oidc) ---
# On when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set. The provider's endpoints
# come from <OIDC_ISSUER>/.well-known/openid-configuration, fetched on first use (not here: these
# settings load while the provider is down). OIDC_ISSUER is exactly the provider's `iss`.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="your organisation")
# The claim listing a user's groups at the provider, and which access group each one gives:
# "cc-agents=Call-center agents,store-mgrs=Store managers". Groups not in the map give nothing.
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_GROUP_MAP: dict[str, str] = {}
for _pair in env.list("OIDC_GROUP_MAP", default=[]):
    _idp_group, _equals, _access_group = _pair.partition("=")
    if not (_equals and _idp_group.strip() and _access_group.strip()):
        raise ImproperlyConfigured(f"OIDC_GROUP_MAP: {_pair!r} is not provider-group=access group")
    OIDC_GROUP_MAP[_idp_group.strip()] = _access_group.strip()
# The claim holding a store manager's store code (empty: store codes are kept by hand).
OIDC_STORE_CLAIM = env.str("OIDC_STORE_CLAIM", default="")
# Seconds to wait for the provider, on every call; how often a signed-in user is re-checked.
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=5.0)
OIDC_RECHECK_SECONDS = env.int("OIDC_RECHECK_SECONDS", default=300)
# offline_access asks for a refresh token, which the re-check uses. Providers that follow OpenID
# Connect Core strictly on offline access want OIDC_PROMPT=consent with it.
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid profile email offline_access")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = (
    {"prompt": env.str("OIDC_PROMPT")} if env.str("OIDC_PROMPT", default="") else {}
)
OIDC_RP_SIGN_ALGO = "RS256"  # verified with the provider's published keys (JWKS) only
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
if OIDC_ISSUER and OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET:
    AUTHENTICATION_BACKENDS.append("membercare.sso.backend.SSOBackend")  # after axes

# Sessions read from Redis and written through to the database (Django's cached_db), or, without
# Redis, from the database alone; either telling membercare's index of sessions when a key changes
# (membercare/accounts/session_store.py). A session
# ends after SESSION_IDLE_MINUTES without a request, and SESSION_LIFETIME_HOURS after sign-in
# whatever the activity (membercare/accounts/sessions.py); the cookie lives as long as the latter.
SESSION_ENGINE = "membercare.accounts.session_store"
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_LIFETIME_HOURS = env.int("SESSION_LIFETIME_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_LIFETIME_HOURS * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Cookies bound to this one host over HTTPS: browsers refuse a `__Host-` cookie sent without
# Secure, with a Domain or with a Path other than "/", so a sibling subdomain can neither plant
# nor overwrite ours. They refuse these names over plain http too: DEBUG (make run) keeps the usual.
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
# Behind TLS in production: redirect plain HTTP, and tell browsers to stay on HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The load balancer's health checks and Prometheus' scrapes reach each instance over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]

# A strict policy: no inline script or style; htmx is served from our origin with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# The languages of the agents Capillary's brands employ (issue 10). A user's choice (the header's
# menu, kept on their profile) wins, else the browser's Accept-Language, else LANGUAGE_CODE
# (membercare/i18n.py). Catalogs in locale/, compiled by the Makefile (`make messages`).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("id", "Bahasa Indonesia"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers in each language's formats (Django's, and membercare's English: "3 Dec 2026").
FORMAT_MODULE_PATH = ["membercare.formats"]
# The language cookie keeps a signed-out visitor's choice (the sign-in page's menu); bound to this
# host over HTTPS like the session's (`__Host-`, below).
LANGUAGE_COOKIE_NAME = "django_language" if DEBUG else "__Host-language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_PATH = "/"
LANGUAGE_COOKIE_DOMAIN = None
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Capillary: the one upstream. With no CAPILLARY_BASE_URL and the sandbox enabled, the dashboard
# calls the embedded sandbox on this same server, over HTTP like any Capillary host. PORT is the
# port that server listens on: `make run` records it in .env, so that manage.py commands run in
# another shell (capillary_check) reach the same sandbox.
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=False)
CAPILLARY_BASE_URL = env.str("CAPILLARY_BASE_URL", default="") or (
    f"http://127.0.0.1:{PORT}/sandbox" if SANDBOX_ENABLED else ""
)
CAPILLARY_USERNAME = env.str("CAPILLARY_USERNAME", default="")
CAPILLARY_PASSWORD = env.str("CAPILLARY_PASSWORD", default="")
CAPILLARY_COUNTRY_CODE = env.str("CAPILLARY_COUNTRY_CODE", default="")
CAPILLARY_CONNECT_TIMEOUT = env.float("CAPILLARY_CONNECT_TIMEOUT", default=2.0)
CAPILLARY_READ_TIMEOUT = env.float("CAPILLARY_READ_TIMEOUT", default=5.0)
CAPILLARY_RETRIES = env.int("CAPILLARY_RETRIES", default=2)
CAPILLARY_RETRY_TOTAL_SECONDS = env.float("CAPILLARY_RETRY_TOTAL_SECONDS", default=8.0)
# Every call as a whole (connect and the whole answer, retries included), however slowly the bytes
# come; and the largest answer read (bigger ones are refused as malformed).
CAPILLARY_DEADLINE_SECONDS = env.float("CAPILLARY_DEADLINE_SECONDS", default=8.0)
CAPILLARY_MAX_BODY_BYTES = env.int("CAPILLARY_MAX_BODY_BYTES", default=5 * 1024 * 1024)
CAPILLARY_BATCH_SIZE = env.int("CAPILLARY_BATCH_SIZE", default=10)
# The country's dial code (e.g. "91"): a national mobile number an agent types ("98000 00001" or
# "098000 00001") is looked up with it in front. Empty: numbers are taken as typed.
CAPILLARY_MOBILE_DIAL_CODE = env.str("CAPILLARY_MOBILE_DIAL_CODE", default="")
# Each loyalty program's currency, which no Capillary answer names (the points worth is shown in
# it): "1=INR,2=INR", "*" for every other program. Empty: the worth is shown without a currency.
PROGRAM_CURRENCIES = env.dict("PROGRAM_CURRENCIES", default={})
# How long a member's record is reused before Capillary is asked again (seconds).
CUSTOMER_CACHE_SECONDS = env.int("CUSTOMER_CACHE_SECONDS", default=60)
# The guard in front of Capillary, shared by every process through the cache (Redis when
# REDIS_URL is set; membercare/lookup/upstream.py). The circuit breaker opens after this many
# timeouts, connection failures or 5xx within the window, and stays open this long (seconds)
# before one probe is let through.
CAPILLARY_BREAKER_FAILURES = env.int("CAPILLARY_BREAKER_FAILURES", default=5)
CAPILLARY_BREAKER_WINDOW_SECONDS = env.int("CAPILLARY_BREAKER_WINDOW_SECONDS", default=30)
CAPILLARY_BREAKER_OPEN_SECONDS = env.int("CAPILLARY_BREAKER_OPEN_SECONDS", default=30)
# Per process, the calls to Capillary that may wait for it at once: beyond them a lookup answers at
# once that Capillary is slow, so that a hang holds at most this many of gunicorn's threads and
# the others stay free for sign-ins, health checks and pages (all but four, or three quarters:
# 16 threads: 12; 4 threads: 3). A gevent worker serves up to GUNICORN_WORKER_CONNECTIONS at once,
# a greenlet each, and counts those (counting threads there turned 1,761 of 3,582 requests into
# "Capillary is slow" at 200 agents: docs/benchmarks.md, Load).
if env.str("GUNICORN_WORKER_CLASS", default="gthread") == "gevent":
    _AT_ONCE = env.int("GUNICORN_WORKER_CONNECTIONS", default=1000)
else:
    _AT_ONCE = env.int("GUNICORN_THREADS", default=16)
CAPILLARY_MAX_IN_FLIGHT = env.int(
    "CAPILLARY_MAX_IN_FLIGHT", default=max(1, _AT_ONCE - 4, _AT_ONCE * 3 // 4)
)
# How long a call waits for one of those places before it is told Capillary is slow.
CAPILLARY_IN_FLIGHT_WAIT_SECONDS = env.float("CAPILLARY_IN_FLIGHT_WAIT_SECONDS", default=0.5)
# The organisation's Capillary calls per minute, fleet-wide: under Capillary's per-key limit
# (1,000/minute documented on demo clusters, brand-specific in production). Bulk lookups may use
# this share of it, so that single lookups get through when the budget is tight.
CAPILLARY_RATE_LIMIT = env.int("CAPILLARY_RATE_LIMIT", default=900)
CAPILLARY_BULK_SHARE = env.float("CAPILLARY_BULK_SHARE", default=0.8)
# Lookups one user may make per minute: searches, opening a member, Refresh, reveals, bulk lines.
LOOKUP_RATE_LIMIT = env.int("LOOKUP_RATE_LIMIT", default=30)

# Sandbox knobs: fixed latency added to every answer (load tests) and how slow "slow" is.
SANDBOX_LATENCY_MS = env.int("SANDBOX_LATENCY_MS", default=0)
SANDBOX_SLOW_SECONDS = env.float("SANDBOX_SLOW_SECONDS", default=8.0)
SANDBOX_BATCH_LIMIT = env.int("SANDBOX_BATCH_LIMIT", default=100)

# Prometheus metrics at /metrics for `Authorization: Bearer <METRICS_TOKEN>`; no token, no /metrics
# (404). Processes share their values through PROMETHEUS_MULTIPROC_DIR (membercare/metrics.py).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Logs: one JSON object a line for log collectors (LOG_FORMAT=json, the default with DEBUG off), or
# plain lines for a person at a terminal (LOG_FORMAT=plain, the default with DEBUG on). Either way
# every line of a request carries its request id (membercare/request_log.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT is json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
    },
    "filters": {
        "no_query": {"()": "membercare.log_filters.DropQueryStrings"},
        "request_id": {"()": "membercare.request_log.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_query", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # urllib3 logs full request lines (with identifiers in the query) at DEBUG: keep it quiet.
        "urllib3": {"level": "WARNING"},
        # The dev server's access log: through the console handler, so query strings are cut.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # axes logs every failed sign-in; the audit trail has them, and lockouts are logged by us.
        "axes": {"level": "ERROR"},
    },
}
