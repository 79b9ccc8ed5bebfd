"""The one settings module of Parvis, driven by typed environment variables.

Every variable is documented in docs/operations.md; the defaults run the demo on SQLite.
"""

from pathlib import Path

import dj_database_url

from parvis.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "parvis-demo-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "parvis.ui",
    "parvis.organisation",
    "parvis.accounts",
    "parvis.procedures",
    "parvis.demo",
    "parvis.files",
    "parvis.cases",
    "parvis.filing",
    "parvis.formengine",
    "parvis.documents",
    "parvis.appointments",
    "parvis.privacy",
    "parvis.backoffice",
    "parvis.counter",
    "parvis.builder",
    "parvis.reports",
    "parvis.families",
    "parvis.billing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "parvis.urls"
FORM_RENDERER = "parvis.ui.forms.FormRenderer"
WSGI_APPLICATION = "parvis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parvis.ui.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'parvis.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["parvis.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "ui:home"
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
# Links sent by email (verification, reset, change of email) stay valid this long.
EMAIL_LINK_MAX_AGE_HOURS = env_int("EMAIL_LINK_MAX_AGE_HOURS", 48, minimum=1)
PASSWORD_RESET_TIMEOUT = EMAIL_LINK_MAX_AGE_HOURS * 3600
# Login throttling: failures allowed per window, per account and per IP address.
LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, minimum=1)
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", 20, minimum=1)
LOGIN_THROTTLE_WINDOW_MINUTES = env_int("LOGIN_THROTTLE_WINDOW_MINUTES", 15, minimum=1)
# Trust X-Forwarded-For for the client address (only behind a reverse proxy that sets it).
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)

# --- Sessions and security ------------------------------------------------------------------------
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https://"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_FAILURE_VIEW = "parvis.ui.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "parvis" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded files are never served from a public URL: MEDIA_URL is unused on purpose and every
# download goes through a view that checks who may read the file.
MEDIA_URL = "/fichiers-non-publics/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 25 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 1025, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mairie d'Admiville <ne-pas-repondre@admiville.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (Django tasks API, database backend) ----------------------------------------
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}

# --- Online filing: drafts are kept this many days after their last save; residents are warned before.
DRAFT_RETENTION_DAYS = env_int("DRAFT_RETENTION_DAYS", 90, minimum=1)
DRAFT_EXPIRY_WARNING_DAYS = env_int("DRAFT_EXPIRY_WARNING_DAYS", 7, minimum=0)

# --- Commune branding (the organisation pages hold the commune's details; these are the theme) -----
COMMUNE_NAME = env_str("COMMUNE_NAME", "Admiville")
THEME_PRIMARY_COLOR = env_str("THEME_PRIMARY_COLOR", "#1d4e89")
THEME_ACCENT_COLOR = env_str("THEME_ACCENT_COLOR", "#b8420f")
THEME_LOGO_URL = env_str("THEME_LOGO_URL", "")
CASE_REFERENCE_PREFIX = env_str("CASE_REFERENCE_PREFIX", "ADM")

# --- Cases: legal rules and delivery (docs/legal-rules.md) ----------------------------------------
# Move an implicit-decision date falling on a Saturday, Sunday or public holiday to the next working day.
IMPLICIT_DECISION_NEXT_WORKING_DAY = env_bool("IMPLICIT_DECISION_NEXT_WORKING_DAY", False)
# The acknowledgement follows the registration receipt within this many working days (CRPA R112-11-2).
ACKNOWLEDGEMENT_MAX_WORKING_DAYS = env_int("ACKNOWLEDGEMENT_MAX_WORKING_DAYS", 10, minimum=1)
# The administrative court named in the appeal routes of acknowledgements (empty: "le tribunal compétent").
ADMINISTRATIVE_COURT = env_str("ADMINISTRATIVE_COURT", "")
# Largest file a resident may add to a case after filing (bytes).
CASE_UPLOAD_MAX_BYTES = env_int("CASE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Failed emails are retried by `manage.py send_pending_emails`: first after this delay, then doubling.
EMAIL_RETRY_DELAY_SECONDS = env_int("EMAIL_RETRY_DELAY_SECONDS", 300, minimum=1)
EMAIL_RETRY_MAX_ATTEMPTS = env_int("EMAIL_RETRY_MAX_ATTEMPTS", 8, minimum=1)

# --- Privacy ------------------------------------------------------------------------------------
# Agents' reads of personal data are logged and the log kept this long (CNIL: 6 to 12 months).
ACCESS_LOG_RETENTION_MONTHS = env_int("ACCESS_LOG_RETENTION_MONTHS", 12, minimum=1)

# --- Logging --------------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Appointments (docs/operations-appointments.md) -----------------------------------------------
# ANTS coordination API (declare appointments, check pre-application numbers). Empty: connection disabled.
ANTS_API_URL = env_str("ANTS_API_URL", "").rstrip("/")
ANTS_API_TOKEN = env_str("ANTS_API_TOKEN", "")
# Token the national search (ANTS hub) sends in X-HUB-RDV-AUTH-TOKEN to our editor API. Empty: API closed.
ANTS_HUB_TOKEN = env_str("ANTS_HUB_TOKEN", "")
ANTS_TIMEOUT_SECONDS = env_int("ANTS_TIMEOUT_SECONDS", 5, minimum=1)
ANTS_DECLARATION_MAX_ATTEMPTS = env_int("ANTS_DECLARATION_MAX_ATTEMPTS", 10, minimum=1)
# A slot chosen online is held this long while the resident confirms.
APPOINTMENT_HOLD_MINUTES = env_int("APPOINTMENT_HOLD_MINUTES", 15, minimum=1)
APPOINTMENT_REMINDER_HOURS = env_int("APPOINTMENT_REMINDER_HOURS", 48, minimum=1)
SMS_BACKEND = env_str("SMS_BACKEND", "parvis.appointments.sms.ConsoleSMSBackend")

# --- Back-office (docs/agent-guide-inbox.md, docs/performance-inbox.md) ---------------------------
# Rows per page of the agents' lists (inbox, overdue list, access log).
BACKOFFICE_PAGE_SIZE = env_int("BACKOFFICE_PAGE_SIZE", 50, minimum=5)
# Lists count their rows up to this figure, then show "plus de N" (counting millions of rows is slow).
BACKOFFICE_COUNT_LIMIT = env_int("BACKOFFICE_COUNT_LIMIT", 1000, minimum=10)
# Largest export (CSV, XLSX, ODS) of a filtered list; above it the agent is asked to narrow the filters.
BACKOFFICE_EXPORT_MAX_ROWS = env_int("BACKOFFICE_EXPORT_MAX_ROWS", 20000, minimum=1)
# "À échéance proche": an implicit decision due within this many days.
BACKOFFICE_DUE_SOON_DAYS = env_int("BACKOFFICE_DUE_SOON_DAYS", 7, minimum=1)
# Saved filters kept per agent.
BACKOFFICE_MAX_SAVED_FILTERS = env_int("BACKOFFICE_MAX_SAVED_FILTERS", 30, minimum=1)
