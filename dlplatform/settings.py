"""Settings for the deep-learning study platform.

Everything that differs between a laptop and production comes from the environment through
`dlplatform.env.Env`. With no environment at all (and DEBUG=1) the platform runs on embedded
defaults: the embedded PostgreSQL (`dlplatform/embedded_db.py`) and Celery's filesystem transport
under var/.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .embedded_db import url_for
from .env import Env, email_settings

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.path("VAR_DIR", BASE_DIR / "var")

DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Set DEBUG=1 for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "dlplatform",
    "dlplatform.accounts",
    "glossary",
    "lessons",
    "flashcards",
    "quizzes",
    "playground",
    "games",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "playground.middleware.TryItGuard",  # before sessions: a try-it flood is refused cheaply
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL in a path, query or field is a 400 here, before any view or query sees it.
    "dlplatform.safe_input.NulGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out log-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dlplatform.urls"
WSGI_APPLICATION = "dlplatform.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address
    "dlplatform.accounts.backends.UserWithRoleBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (DRF, drf-spectacular), looked up before the apps.
        "DIRS": [BASE_DIR / "dlplatform" / "templates" / "overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dlplatform.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# PostgreSQL everywhere. Unset, DATABASE_URL names the embedded server of `make run` (var/pg, a
# unix socket; `python -m dlplatform.embedded_db start` starts it): computing it starts nothing.
DATABASE_URL = env.str("DATABASE_URL", "") or url_for(VAR_DIR / "pg")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env.int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...).")
if env.str("TEST_DB_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, cached selectors, content versions, sessions' read copy) ---------------
REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL:
    # A Redis that cannot be reached costs a miss, not a 500 (dlplatform/cache.py); the short
    # timeouts and the circuit keep an outage to microseconds per call.
    CACHES = {
        "default": {
            "BACKEND": "dlplatform.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.5,
                "socket_keepalive": True,
                "circuit_open_s": 1.0,
            },
        }
    }
else:
    # One machine without Redis (`make run`): files that every process shares, with atomic
    # add/incr, so rate limits and versions behave as they do on Redis.
    CACHES = {
        "default": {
            "BACKEND": "dlplatform.filecache.LockedFileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# Sessions read from the cache, written through to the database: one query less per request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", 3 * 3600)

# Log-in throttling (django-axes): failed attempts only, counted per account and per client
# address independently; a success resets them. A class behind one NAT logs in freely, and one
# account tried from many addresses still locks.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # two lists: either one locks
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "dlplatform.ratelimit.client_ip"
AXES_USERNAME_CALLABLE = "dlplatform.accounts.lockout.username"
AXES_LOCKOUT_CALLABLE = "dlplatform.accounts.lockout.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # no row per successful log-in: only failures are kept
AXES_SENSITIVE_PARAMETERS = ["password"]

# --- E-mail (password reset) ---------------------------------------------------------------
# Production: SMTP from EMAIL_URL (smtp://user:pass@host:587?tls=1, smtps://...) or EMAIL_HOST
# and friends. Under DEBUG with neither set, mail is written to files under var/mail.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Deep Learning Study <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
_email = email_settings(
    url=env.str("EMAIL_URL", ""),
    host=env.str("EMAIL_HOST", ""),
    port=env.int("EMAIL_PORT", 587),
    user=env.str("EMAIL_HOST_USER", ""),
    password=env.str("EMAIL_HOST_PASSWORD", ""),
    tls=env.bool("EMAIL_USE_TLS", True),
    debug=DEBUG,
)
EMAIL_BACKEND = _email["backend"]
EMAIL_HOST = _email["host"]
EMAIL_PORT = _email["port"]
EMAIL_HOST_USER = _email["user"]
EMAIL_HOST_PASSWORD = _email["password"]
EMAIL_USE_TLS = _email["use_tls"]
EMAIL_USE_SSL = _email["use_ssl"]
EMAIL_TIMEOUT = 10

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", True)

# --- Security --------------------------------------------------------------------------------
# Secure by default: these relax only when DEBUG is on or when explicitly switched off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Behind the proxy, X-Forwarded-Proto says https and X-Forwarded-For names the client; each of
# TRUSTED_PROXY_COUNT proxies appends one address (dlplatform.ratelimit.client_ip reads it).
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", False)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 1)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: pages pass data with json_script and load static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- REST API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested deeper than dlplatform.safe_input.MAX_JSON_DEPTH is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "dlplatform.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Deep Learning Study Platform API",
    "DESCRIPTION": "Glossary, lessons, flashcards, quizzes and training jobs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
else:
    # A message not acknowledged within this time is handed to another worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_S", 3600)}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        # A Redis that vanished (restart, network cut) must show as an error within seconds, not
        # as a read that blocks forever: the worker then reconnects instead of waiting on a dead
        # socket. socket_timeout stays above the 1 s BRPOP the consumer blocks in.
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        "socket_keepalive": True,
        "retry_on_timeout": True,
        "health_check_interval": 25,  # a PING on a connection idle this long finds it dead early
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_SOFT_TIME_LIMIT", 900)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TIME_LIMIT", 960)
CELERY_TASK_DEFAULT_QUEUE = "training"
# Reports (quiz statistics) recompute on their own queue, served by the inference worker: short
# jobs that must not wait behind a training run.
CELERY_TASK_ROUTES = {
    "playground.tasks.infer*": {"queue": "inference"},
    "quizzes.tasks.*": {"queue": "reports"},
    # Text-to-speech renders (lessons/audio_queue.py): minutes of CPU after a content load, so
    # they wait on their own queue, behind neither a training nor a try-it.
    "lessons.tasks.*": {"queue": "audio"},
}
# Reconnect to the broker forever, at start-up and after a loss: a worker that gave up would
# need a person to start it again. The watchdog (dlplatform/watchdog.py) ends a worker whose
# reconnection or pool is stuck, and compose / scripts/run.sh start a fresh one.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# A web request that sends a task while the broker is down gives up within about a second (and
# says so, playground/dispatch.py and the try-it path) instead of holding its thread.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# A lost connection leaves running tasks running: training and try-it write their results to
# PostgreSQL and the cache, not to the broker, so a Redis blip must not throw away minutes of a
# training run (a cancelled run loses the epochs it trained; the watchdog handles a stuck one).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A pool process is replaced after this many tasks: memory that torch or a model leaks is given
# back regularly, at the cost of one fork (the datasets were loaded before the fork).
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_MAX_TASKS_PER_CHILD", 100)
# The worker's watchdog: how often it looks, and how long each kind of stall may last.
WORKER_WATCHDOG_EVERY_S = float(env.int("WORKER_WATCHDOG_EVERY_S", 5))
WORKER_STUCK_S = float(env.int("WORKER_STUCK_S", 30))
WORKER_BROKER_LOST_S = float(env.int("WORKER_BROKER_LOST_S", 60))
WORKER_OVERDUE_GRACE_S = float(env.int("WORKER_OVERDUE_GRACE_S", 15))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# --- Playground (training jobs) ----------------------------------------------------------------
# Every PLAYGROUND_* setting is here (and only here); each can be changed in the environment,
# and tests override them with the `settings` fixture. The code reads them when it needs them
# (playground.conf.get), never once at import.
PLAYGROUND_DATA_DIR = env.path("PLAYGROUND_DATA_DIR", VAR_DIR / "data")
# Progress writes (about twice a second) are the heartbeat; a running job silent this long is dead.
PLAYGROUND_STALE_S = env.int("PLAYGROUND_STALE_S", 60)
PLAYGROUND_REAP_EVERY_S = env.int("PLAYGROUND_REAP_EVERY_S", 30)
PLAYGROUND_MAX_ACTIVE_JOBS = env.int("PLAYGROUND_MAX_ACTIVE_JOBS", 3)  # queued + running
PLAYGROUND_SUBMIT_LIMIT = env.int("PLAYGROUND_SUBMIT_LIMIT", 10)  # submissions per window
PLAYGROUND_SUBMIT_WINDOW_S = env.int("PLAYGROUND_SUBMIT_WINDOW_S", 60)
# Audio lessons (lessons/tts.py): the text-to-speech backend is "auto" (piper when a voice model
# file is set and piper is installed, else espeak-ng, else none: the browser reads aloud),
# "piper", "espeak-ng" or "none". Rendered files go to MEDIA_ROOT/lessons/audio/.
LESSONS_TTS_BACKEND = env.str("LESSONS_TTS_BACKEND", "auto")
LESSONS_TTS_PIPER_MODEL = env.str("LESSONS_TTS_PIPER_MODEL", "")
LESSONS_TTS_PIPER_COMMAND = env.str("LESSONS_TTS_PIPER_COMMAND", "piper")
LESSONS_TTS_ESPEAK_COMMAND = env.str("LESSONS_TTS_ESPEAK_COMMAND", "espeak-ng")
LESSONS_FFMPEG = env.str("LESSONS_FFMPEG", "ffmpeg")
# Saving a topic (admin, load_content) queues the renders its change needs.
LESSONS_AUDIO_AUTORENDER = env.bool("LESSONS_AUDIO_AUTORENDER", True)
LESSONS_AUDIO_SOFT_LIMIT_S = env.int("LESSONS_AUDIO_SOFT_LIMIT_S", 240)
LESSONS_AUDIO_HARD_LIMIT_S = env.int("LESSONS_AUDIO_HARD_LIMIT_S", 270)
# The audio reaper (lessons/audio_reaper.py): a render queued this long whose message the broker
# lost is sent again (LESSONS_AUDIO_MAX_ATTEMPTS times, then failed), and one still waiting
# while no audio worker is alive is failed with that reason; a render running past its hard
# limit is sent again once. It runs from beat on the inference queue, not on the audio one.
LESSONS_AUDIO_STALE_S = env.int("LESSONS_AUDIO_STALE_S", 900)
LESSONS_AUDIO_REAP_EVERY_S = env.int("LESSONS_AUDIO_REAP_EVERY_S", 60)
LESSONS_AUDIO_MAX_ATTEMPTS = env.int("LESSONS_AUDIO_MAX_ATTEMPTS", 1)
CELERY_BEAT_SCHEDULE["lessons-reap-audio"] = {
    "task": "lessons.tasks.reap_audio",
    "schedule": float(LESSONS_AUDIO_REAP_EVERY_S),
    "options": {"queue": "inference"},
}

# Images a Moodle XML import embeds in its questions (quizzes/formats/files.py): decoded bytes
# per file and for all files of one import (the upload itself is capped in quizzes/admin_io.py).
QUIZ_FILE_MAX_BYTES = env.int("QUIZ_FILE_MAX_BYTES", 512 * 1024)
QUIZ_IMPORT_FILES_MAX_BYTES = env.int("QUIZ_IMPORT_FILES_MAX_BYTES", 8 * 1024 * 1024)

# The training task's Celery limits, given per message when it is sent (playground.queue).
PLAYGROUND_JOB_SOFT_LIMIT_S = env.int("PLAYGROUND_JOB_SOFT_LIMIT_S", 600)
PLAYGROUND_JOB_HARD_LIMIT_S = env.int("PLAYGROUND_JOB_HARD_LIMIT_S", 630)
PLAYGROUND_QUEUED_REQUEUE_S = env.int("PLAYGROUND_QUEUED_REQUEUE_S", 120)
PLAYGROUND_MAX_ATTEMPTS = 2  # a job killed twice is failed, not retried forever
PLAYGROUND_MAX_PARAMS = env.int("PLAYGROUND_MAX_PARAMS", 2_000_000)
PLAYGROUND_MAX_MEMORY_MB = env.int("PLAYGROUND_MAX_MEMORY_MB", 1024)  # activations per batch
PLAYGROUND_MAX_TEXT_CHARS = env.int("PLAYGROUND_MAX_TEXT_CHARS", 200_000)
PLAYGROUND_CPU_GFLOPS = env.int("PLAYGROUND_CPU_GFLOPS", 40)  # achieved, not peak
# A try-it message older than this is dropped by the worker (Celery `expires`), and its
# ticket then reads "expired": nobody is waiting for an answer that late.
PLAYGROUND_INFER_TIMEOUT_S = env.int("PLAYGROUND_INFER_TIMEOUT_S", 10)
PLAYGROUND_INFER_LIMIT = env.int("PLAYGROUND_INFER_LIMIT", 30)  # inferences per window
PLAYGROUND_INFER_WINDOW_S = env.int("PLAYGROUND_INFER_WINDOW_S", 60)
# Ticket polls per second per session: a poll blocks for the answer or is retried after 150 ms,
# and a page holds a few tickets.
PLAYGROUND_INFER_POLLS_PER_S = env.int("PLAYGROUND_INFER_POLLS_PER_S", 20)
PLAYGROUND_INFER_CONCURRENCY = env.int("PLAYGROUND_INFER_CONCURRENCY", 2)  # open tickets
# A poll of a pending ticket blocks this long at most for the answer (playground/answers.py),
# and at most this many polls block at once per web process; the others answer at once.
PLAYGROUND_INFER_WAIT_MS = env.int("PLAYGROUND_INFER_WAIT_MS", 400)
PLAYGROUND_INFER_WAITERS = env.int("PLAYGROUND_INFER_WAITERS", 2)
# Used until a worker has published its own calibration (slow on purpose: refuse, not kill).
PLAYGROUND_STEP_OVERHEAD_MS = env.int("PLAYGROUND_STEP_OVERHEAD_MS", 10)
PLAYGROUND_CALIBRATION_MAX_AGE_S = env.int("PLAYGROUND_CALIBRATION_MAX_AGE_S", 7 * 86400)
PLAYGROUND_MAX_RUNNING_PER_USER = env.int("PLAYGROUND_MAX_RUNNING_PER_USER", 1)
# A worker that has run nothing for this long no longer counts towards the dispatch slots.
PLAYGROUND_WORKER_SEEN_S = env.int("PLAYGROUND_WORKER_SEEN_S", 3600)
CELERY_BEAT_SCHEDULE["playground-reap-stale-jobs"] = {
    "task": "playground.tasks.reap_stale_jobs",
    "schedule": float(PLAYGROUND_REAP_EVERY_S),
}
TORCH_THREADS = env.int("TORCH_THREADS", 0)  # 0: measured per worker process (playground.threads)

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # lock-outs are warnings; each success was an INFO line
    },
}

DEMO_USERS = env.bool("DEMO_USERS", DEBUG)
