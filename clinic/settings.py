"""One settings module, driven by environment variables.

With no configuration at all the project runs for development: SQLite and Celery's filesystem broker
under var/, emails written to var/mail/. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, CELERY_BROKER_URL and EMAIL_URL; see the README for each.
"""

import datetime
import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)

# Only a development server may run on the built-in key; anything else must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the clinic refuses to start without a secret key: "
            "set SECRET_KEY to a long random string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # The built-in key is public (it is in this file), and a short one can be guessed: either lets anyone forge
    # sessions, password-reset links and opt-out tokens. Same bar as Django's deploy check (security.W009).
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key or too weak. With DEBUG off the clinic refuses to start on it: "
        "set SECRET_KEY to a random string of at least 50 characters (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # unaccent and trigram similarity on PostgreSQL; inert on SQLite
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "clinic",
    "patients",
    "programs",
    "sessions.apps.SessionsConfig",
    "measures",
    "plans",
    "staff",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clinic.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.request_guard.RejectNulMiddleware",  # after auth and messages: its 400 page is the staff layout
    "clinic.request_guard.OutOfScopeMiddleware",  # an escaped OutOfScopeError is "Not found", never a 500
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic.audit.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise (postgres://user@host:5432/name).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'clinic.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE takes the write lock when a transaction starts, so the web server and the Celery worker
    # queue behind each other instead of failing with "database is locked" half-way through a service.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "clinic.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "clinic.roles.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed sign-ins (django-axes), for LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# A user name from one address: staff behind one clinic NAT do not lock each other out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["clinic.formats"]  # times read "5:34 PM" everywhere, the admin included (clinic/clock.py)
# The clinic's wall-clock zone: session times are entered and shown in it; storage is UTC.
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files from STATIC_ROOT (run collectstatic); development serves the
# source folders as they are.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if not STATIC_MANIFEST:
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sessions: staff sign out after IDLE_LOGOUT_MINUTES without a request, and when the browser closes.
SESSION_COOKIE_AGE = env.int("IDLE_LOGOUT_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# HTTPS hardening is on by default whenever DEBUG is off; each knob can be turned off from the
# environment (for example behind a proxy that already redirects).
_secure_default = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_secure_default)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_secure_default)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_secure_default)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _secure_default else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_secure_default)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_secure_default)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address in the audit trail and the sign-in lockout. Behind proxies, the number of them that append
# to TRUSTED_PROXY_HEADER: the entry that far from the right is the client (entries left of it can be forged).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is the number of proxies in front of the clinic: 0 or more.")
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="X-Forwarded-For")
AXES_CLIENT_IP_CALLABLE = "clinic.audit.client_ip"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every page (clinic.security): scripts and styles only from our own static files, never inline, so
# markup injected into a page cannot run. Templates keep no <script> body, on* handler or style="".
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# Email: written to var/mail/ in development; EMAIL_URL=smtp+tls://user:password@host:587 in production.
if os.environ.get("EMAIL_URL"):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="appointments@clinic.example")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# The clinic's names. Patient-facing messages only ever use the discreet name (42 CFR Part 2).
CLINIC_LEGAL_NAME = env.str("CLINIC_LEGAL_NAME", default="Harbor Light Recovery Center")
CLINIC_DISCREET_NAME = env.str("CLINIC_DISCREET_NAME", default="Harbor Light Health")
CLINIC_PHONE = env.str("CLINIC_PHONE", default="(555) 010-2400")

# Celery. In development a filesystem broker under var/ needs no server; production uses Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        # The exchange tables; kombu's default is ./control, in whatever folder the process started.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    # Redis re-delivers a message not acknowledged within the visibility timeout: keep it well above
    # the longest task's hard time limit so a slow task is never run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
    # A prefix on every broker key lets one Redis database serve more than one clinic (or a benchmark) apart.
    if env.str("CELERY_BROKER_KEY_PREFIX", default=""):
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = env.str("CELERY_BROKER_KEY_PREFIX")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Reminders: how often beat plans and sends them, and the rules of sending.
REMINDER_BEAT_SECONDS = env.float("REMINDER_BEAT_SECONDS", default=60)
REMINDER_QUIET_START = env.str("REMINDER_QUIET_START", default="21:00")  # no patient email from ...
REMINDER_QUIET_END = env.str("REMINDER_QUIET_END", default="08:00")  # ... until, clinic time
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=6)
REMINDER_RETRY_SECONDS = env.float("REMINDER_RETRY_SECONDS", default=60)  # doubles after each failed attempt
REMINDER_CLAIM_TIMEOUT_SECONDS = env.int("REMINDER_CLAIM_TIMEOUT_SECONDS", default=300)
REMINDER_BATCH = env.int("REMINDER_BATCH", default=2000)
# Rows one sender claims at once (one UPDATE), then sends over one SMTP connection, committing each message.
REMINDER_CLAIM_SIZE = env.int("REMINDER_CLAIM_SIZE", default=50)
# Wait for the disk on each "sent" commit: a crash of the database server itself then cannot forget a message that
# went out (which would go twice). false trades that for a few ms per message (sessions/services/reminder_send.py).
REMINDER_SYNCHRONOUS_COMMIT = env.bool("REMINDER_SYNCHRONOUS_COMMIT", default=True)
REMINDER_SEND_SECONDS = env.float("REMINDER_SEND_SECONDS", default=200)  # one run's budget, under the time limit
DIGEST_LOCAL_TIME = env.str("DIGEST_LOCAL_TIME", default="07:00")
# Links in emails (the opt-out link). Unset, it follows the address served: `make run PORT=8101` (bin/serve passes
# HOST and PORT) links to http://127.0.0.1:8101; a wildcard bind address is reached on loopback.
_SERVED_HOST = env.str("HOST", default="127.0.0.1")
if _SERVED_HOST in ("0.0.0.0", "::", "[::]", ""):  # noqa: S104 (compared, not bound)
    _SERVED_HOST = "127.0.0.1"
SITE_URL = env.str("SITE_URL", default=f"http://{_SERVED_HOST}:{env.int('PORT', default=8000)}")

CELERY_BEAT_SCHEDULE = {
    # Times are UTC (CELERY_TIMEZONE). Each task is safe to run twice.
    "generate-sessions": {"task": "sessions.tasks.generate_sessions", "schedule": crontab(hour=7, minute=5)},
    "plan-reminders": {"task": "sessions.tasks.plan_reminders", "schedule": REMINDER_BEAT_SECONDS},
    "send-due-reminders": {"task": "sessions.tasks.send_due_reminders", "schedule": REMINDER_BEAT_SECONDS},
}

# How far ahead group sessions are generated.
SESSION_HORIZON_DAYS = env.int("SESSION_HORIZON_DAYS", default=28)

# Booking: the clinic's hours (wall-clock, clinic time) and days (ISO, Monday 1), on which the booking form offers
# the counselor's next free slot every BOOKING_SLOT_MINUTES; and whether a time that has passed is refused or
# booked once confirmed ("refuse" or "warn").
CLINIC_OPENS = env.str("CLINIC_OPENS", default="08:00")
CLINIC_CLOSES = env.str("CLINIC_CLOSES", default="18:00")
CLINIC_WORKDAYS = env.list("CLINIC_WORKDAYS", cast=int, default=[1, 2, 3, 4, 5])
BOOKING_SLOT_MINUTES = env.int("BOOKING_SLOT_MINUTES", default=30)
BOOKING_PAST = env.str("BOOKING_PAST", default="refuse")

# Logs carry ids and actions, never names, dates of birth or contact details.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_query_strings": {"()": "clinic.log_filters.StripQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One handler for Django's own messages too (its default config would print them twice).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # The development server's request lines: a search's query string may name a patient.
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query_strings"],
        },
    },
}
