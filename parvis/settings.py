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
# Persistent connections: opening a PostgreSQL connection costs more than a whole page; health checks make a
# connection dropped by the server (restart, idle timeout) be replaced at the next request instead of failing it.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 600, minimum=0),
                                              conn_health_checks=True)}
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
SESSION_ENGINE = "parvis.accounts.sessions"  # Django's database sessions, read by a plain query
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
# Requests an agent started at the counter but did not file are deleted after this many days.
COUNTER_DRAFT_RETENTION_DAYS = env_int("COUNTER_DRAFT_RETENTION_DAYS", 30, minimum=1)

# --- Commune branding (the organisation pages hold the commune's details; these are the theme) -----
COMMUNE_NAME = env_str("COMMUNE_NAME", "Admiville")
# Each process reads the commune (shown on every page) at most once per this delay; edits show within it.
COMMUNE_CACHE_SECONDS = env_int("COMMUNE_CACHE_SECONDS", 30, minimum=0)
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

# --- Case handling (docs/agent-guide-handling.md, docs/head-guide.md) -------------------------------
# The deadline proposed to agents when they ask for missing pieces: today + this many days (they may change it).
CASE_PIECES_DEADLINE_DAYS = env_int("CASE_PIECES_DEADLINE_DAYS", 15, minimum=1)
# Heads' deadlines page: open cases whose implicit decision arises within this many days are "due soon".
CASE_DUE_SOON_DAYS = env_int("CASE_DUE_SOON_DAYS", 14, minimum=0)

# --- Privacy ------------------------------------------------------------------------------------
# Agents' reads of personal data are logged and the log kept this long (CNIL: 6 to 12 months).
ACCESS_LOG_RETENTION_MONTHS = env_int("ACCESS_LOG_RETENTION_MONTHS", 12, minimum=1)

# --- Logging --------------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"expected_client_answers": {"()": "django.utils.log.CallbackFilter",
                                            "callback": "ext://parvis.logfilters.not_an_expected_client_answer"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # 400 (form errors) and 409 (taken meanwhile) are normal answers: not logged as warnings.
        "django.request": {"filters": ["expected_client_answers"]},
    },
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
# When the time a resident chose was taken meanwhile, the nearest free time of the same day within this many
# minutes is held instead (the resident confirms it or chooses another); 480, the default, is any time of that
# day. 0: never, only propose the nearest.
APPOINTMENT_SUBSTITUTE_MINUTES = env_int("APPOINTMENT_SUBSTITUTE_MINUTES", 480, minimum=0)
# The list of free times asked again within this many seconds is served from the process's memory (unless the
# process took or gave back units meanwhile). 0: always read.
APPOINTMENT_LIST_CACHE_SECONDS = env_int("APPOINTMENT_LIST_CACHE_SECONDS", 1, minimum=0)
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

# --- Family desk and payments (docs/family-desk-guide.md, docs/cash-office-guide.md) -----------------
# API Particulier, "composition familiale": the family quotient from the CAF. Empty URL: connection disabled
# (families send their CAF certificate and an agent checks it). Base URL, e.g. https://particulier.api.gouv.fr
API_PARTICULIER_URL = env_str("API_PARTICULIER_URL", "").rstrip("/")
API_PARTICULIER_TOKEN = env_str("API_PARTICULIER_TOKEN", "")
API_PARTICULIER_TIMEOUT_SECONDS = env_int("API_PARTICULIER_TIMEOUT_SECONDS", 10, minimum=1)
# Cash offices (régies) and their payment backends (eopayment: payfip_ws, dummy...) are data, set per cash
# office. The local "fake bank" page answering for eopayment's `dummy` backend (demo and tests only).
PAYMENT_DUMMY_BANK = env_bool("PAYMENT_DUMMY_BANK", DEBUG)

# --- Reports (signalements, docs/reports-guide.md, Open311 API docs/open311-api.md) ----------------------
# Tiles of the maps (Leaflet URL template with {z}/{x}/{y}, optionally {s}); empty: no map, the address
# search and the list still work.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env_str("MAP_ATTRIBUTION", "© les contributeurs d'OpenStreetMap")
MAP_DEFAULT_ZOOM = env_int("MAP_DEFAULT_ZOOM", 15, minimum=1)
# The commune's territory: a GeoJSON file (Polygon, MultiPolygon, Feature or FeatureCollection); when empty,
# the box COMMUNE_BBOX "south,west,north,east" in decimal degrees (default: the fictional Admiville).
COMMUNE_BOUNDARY_FILE = env_str("COMMUNE_BOUNDARY_FILE", "")
COMMUNE_BBOX = env_list("COMMUNE_BBOX", ["48.8350", "2.3250", "48.8650", "2.3750"])
# Base Adresse Nationale (e.g. https://api-adresse.data.gouv.fr); empty: addresses are typed by hand.
BAN_API_URL = env_str("BAN_API_URL", "").rstrip("/")
BAN_TIMEOUT_SECONDS = env_int("BAN_TIMEOUT_SECONDS", 3, minimum=1)
# The procedure reports are filed under (created with a report's settings when missing).
REPORTS_PROCEDURE_SLUG = env_str("REPORTS_PROCEDURE_SLUG", "signalement-espace-public")
# Open reports of the same category within this distance are shown before filing (duplicates).
REPORTS_NEARBY_METERS = env_int("REPORTS_NEARBY_METERS", 150, minimum=10)
REPORTS_MAX_PHOTOS = env_int("REPORTS_MAX_PHOTOS", 3, minimum=0)
REPORTS_PHOTO_MAX_BYTES = env_int("REPORTS_PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
REPORTS_PHOTO_MAX_SIDE = env_int("REPORTS_PHOTO_MAX_SIDE", 1600, minimum=200)
# Reports filed online from one IP address per hour (web form); more get a clear "try later" page.
REPORTS_MAX_PER_IP_PER_HOUR = env_int("REPORTS_MAX_PER_IP_PER_HOUR", 10, minimum=1)
# Requests to follow a report, per IP address and hour (each may send a confirmation email).
REPORTS_MAX_FOLLOWS_PER_IP_PER_HOUR = env_int("REPORTS_MAX_FOLLOWS_PER_IP_PER_HOUR", 20, minimum=1)
# Open311 GeoReport v2 server (/open311/). A non-empty jurisdiction_id other than this one gets a 404;
# empty: any jurisdiction_id is accepted (single-jurisdiction server).
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "")
# POST requests (new reports) per API key and per IP address, per hour (a key may set its own limit).
OPEN311_MAX_POSTS_PER_KEY_PER_HOUR = env_int("OPEN311_MAX_POSTS_PER_KEY_PER_HOUR", 100, minimum=1)
OPEN311_MAX_POSTS_PER_IP_PER_HOUR = env_int("OPEN311_MAX_POSTS_PER_IP_PER_HOUR", 30, minimum=1)
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "")
OPEN311_KEY_SERVICE = env_str("OPEN311_KEY_SERVICE", "")
# Type announced in the discovery document: "production" or "test".
OPEN311_ENDPOINT_TYPE = env_str("OPEN311_ENDPOINT_TYPE", "production")
