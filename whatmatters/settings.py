"""Settings, read from environment variables (see the README's configuration table).

`WHATMATTERS_ENV` picks the mode: `development` (default: SQLite, emails written to files in var/emails/,
the app's own error pages; Django's debug pages only with `WHATMATTERS_DEBUG=true`),
`test` (fast hashing, tasks run at once) or `production` (secure cookies, HSTS, secrets required).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from whatmatters.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENV = env_str("WHATMATTERS_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"WHATMATTERS_ENV must be development, test or production, not {ENV!r}.")
PRODUCTION = ENV == "production"
TESTING = ENV == "test"

# Off unless asked for, in every mode: Django's debug pages list every route and show internals, and the demo
# should show people the app's own "Page not found" and error pages.
DEBUG = env_bool("WHATMATTERS_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "WHATMATTERS_DEBUG must not be on in production: it shows internals to anyone."
    )

SECRET_KEY = env_str("WHATMATTERS_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "Set WHATMATTERS_SECRET_KEY (at least 50 random characters) in production. "
            'Make one with: python -c "import secrets; print(secrets.token_urlsafe(64))"'
        )
    # A fixed key is fine outside production: it protects nothing real.
    SECRET_KEY = "development-only-key-not-for-production-" + "x" * 20

ALLOWED_HOSTS = env_list(
    "WHATMATTERS_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set WHATMATTERS_ALLOWED_HOSTS to the host names the service answers on.")
CSRF_TRUSTED_ORIGINS = env_list("WHATMATTERS_CSRF_TRUSTED_ORIGINS", [])

# Where the SQLite database and uploaded files live when nothing else is configured.
DATA_DIR = Path(env_str("WHATMATTERS_DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Before django_tasks_db, so `whatmatters db_worker` is ours (every queue unless told which).
    "whatmatters",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "whatmatters.teams",
    "whatmatters.audit",
    "whatmatters.api",
    "whatmatters.safety",
    "whatmatters.framework",
    "whatmatters.engagement",
    "whatmatters.reports",
    "whatmatters.surveys",
    "whatmatters.dashboards",
    "whatmatters.learning",
    "whatmatters.waitinglists",
    "whatmatters.notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the static files: the collected ones in production, straight from build/static in development
    # (runserver serves none with DEBUG off). The test client and test server need it in neither.
    *([] if TESTING else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check reads a form: uploads over their limit are refused while they arrive.
    "whatmatters.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Gives request.user.is_verified(): true once a two-factor code has been given in this session.
    "django_otp.middleware.OTPMiddleware",
    "whatmatters.api.middleware.ApiTokenMiddleware",
    "whatmatters.teams.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "whatmatters.audit.middleware.AuditActorMiddleware",
    "whatmatters.teams.middleware.PermissionMiddleware",
    # Axes must come last so it sees failed sign-ins from every view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "whatmatters.urls"
WSGI_APPLICATION = "whatmatters.wsgi.application"

TEMPLATES = [
    {
        # Pages: Jinja2 with the NHS.UK design-system macros.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "whatmatters.jinja2_env.environment"},
    },
    {
        # Django templates only for the admin site.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Database: SQLite by default (nothing else to install); PostgreSQL when DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("WHATMATTERS_SQLITE_PATH", str(DATA_DIR / "whatmatters.sqlite3")),
            "OPTIONS": {
                # The web process and the task worker both write: WAL lets readers carry on during a
                # write, and IMMEDIATE takes the write lock at the start of a transaction, so a
                # read-then-write transaction waits instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                # A writer waits up to 20 s for the lock (imports write in short batches) before
                # "database is locked".
                "timeout": env_int("WHATMATTERS_SQLITE_TIMEOUT", 20),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches, in each process's memory: "default" holds SPC results (framework/measures/results.py), "pages"
# what pages show of each measure (the dashboard's cards, the measure list's rows:
# framework/measures/kept.py). Both are keyed by digests of their inputs, so nothing kept is ever stale and
# nothing is shared between processes that would need to be. A card is about 2 KB; 5,000 of them leave
# room for every measure of a large programme on both pages.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "whatmatters"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "whatmatters-pages",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# Keep pages' measure cards and rows (on unless set to false: the baseline bench.pages compares with).
WHATMATTERS_PAGE_CACHE = env_bool("WHATMATTERS_PAGE_CACHE", True)

# Accounts and passwords.
AUTH_USER_MODEL = "teams.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (whatmatters/teams/sso.py): answers only the provider's callback, and only when
    # WHATMATTERS_OIDC_ISSUER is set.
    "whatmatters.teams.sso.ProviderBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow on purpose; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign_in"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "signed_out"
# Invitation and password-reset links stay valid this long.
PASSWORD_RESET_TIMEOUT = env_int("WHATMATTERS_INVITE_DAYS", 7) * 24 * 3600

# Sessions: an idle timeout (refreshed on every request) and an absolute one (see SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("WHATMATTERS_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT = env_int("WHATMATTERS_SESSION_ABSOLUTE_HOURS", 10) * 3600
SESSION_COOKIE_NAME = "whatmatters_session"
# Sessions in the database, ignoring cookies that hold characters no session key has (teams/sessions.py).
SESSION_ENGINE = "whatmatters.teams.sessions"

# Lock an account for a while after repeated failed sign-ins.
AXES_FAILURE_LIMIT = env_int("WHATMATTERS_SIGN_IN_ATTEMPTS", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("WHATMATTERS_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes would otherwise read the credential named after USERNAME_FIELD ("email"), which the sign-in form never
# sends, find no username and count no failures at all.
AXES_USERNAME_FORM_FIELD = "username"
# Axes suggests locking by IP address too. We do not: NHS networks put thousands of staff behind a few
# addresses, so one person's typos would lock out a whole trust.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "whatmatters.teams.views.locked_out"
AXES_VERBOSE = False  # Axes would otherwise log the email address people typed.

# Two-factor sign-in (docs/two-factor.md): the roles that must set it up; "all" for everyone, "none" nobody.
# Required for admins and faculty in production; off by default elsewhere so `make demo` needs no phone.
REQUIRE_2FA_FOR = env_list("WHATMATTERS_REQUIRE_2FA_FOR", ["admin", "faculty"] if PRODUCTION else [])
if REQUIRE_2FA_FOR == ["none"]:
    REQUIRE_2FA_FOR = []
OTP_TOTP_ISSUER = "What Matters"
# Wrong codes slow down on one device too (django-otp throttling), besides the account lock-out.
OTP_TOTP_THROTTLE_FACTOR = 1

# Single sign-on through the trust's OpenID Connect provider (docs/single-sign-on.md). Off unless
# WHATMATTERS_OIDC_ISSUER is set: then the sign-in page also offers "Sign in with <WHATMATTERS_OIDC_NAME>".
OIDC_ISSUER = env_str("WHATMATTERS_OIDC_ISSUER").strip()
OIDC_NAME = env_str("WHATMATTERS_OIDC_NAME", "your organisation's account").strip()
OIDC_RP_CLIENT_ID = env_str("WHATMATTERS_OIDC_CLIENT_ID").strip()
OIDC_RP_CLIENT_SECRET = env_str("WHATMATTERS_OIDC_CLIENT_SECRET").strip()
OIDC_EMAIL_DOMAINS = [domain.lower().lstrip("@") for domain in env_list("WHATMATTERS_OIDC_EMAIL_DOMAINS", [])]
OIDC_TIMEOUT = env_int("WHATMATTERS_OIDC_TIMEOUT_SECONDS", 10)
if OIDC_ISSUER:
    if not OIDC_RP_CLIENT_ID or not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured(
            "WHATMATTERS_OIDC_ISSUER is set: set WHATMATTERS_OIDC_CLIENT_ID and "
            "WHATMATTERS_OIDC_CLIENT_SECRET (or WHATMATTERS_OIDC_CLIENT_SECRET_FILE) too, from the "
            "provider's app registration."
        )
    if PRODUCTION and not OIDC_ISSUER.startswith("https://"):
        raise ImproperlyConfigured("WHATMATTERS_OIDC_ISSUER must be an https:// address in production.")
    if PRODUCTION and not OIDC_EMAIL_DOMAINS:
        raise ImproperlyConfigured(
            "Set WHATMATTERS_OIDC_EMAIL_DOMAINS (for example nhs.net,mytrust.nhs.uk) in production: only "
            "addresses there may sign in through the provider."
        )
# mozilla-django-oidc's own settings: the authorisation code flow with PKCE (S256), state and nonce; an
# account is never made for someone nobody invited. Endpoints come from the issuer's discovery document.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_VERIFY_SSL = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_REDIRECT_FIELD_NAME = "next"

# Security headers. Production turns on HTTPS-only cookies, redirects and HSTS.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("WHATMATTERS_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("WHATMATTERS_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if env_bool("WHATMATTERS_BEHIND_PROXY", PRODUCTION):
    # The proxy in front (nginx, a load balancer) terminates HTTPS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: only our own scripts, styles, fonts and images; no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Static files: the NHS.UK stylesheet and assets are built into build/static by `npm run build`.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("WHATMATTERS_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production WhiteNoise finds files where they are built (no collectstatic) and sees them rebuilt.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION

# Background work: django.tasks with a database queue (`whatmatters db_worker`); at once in tests.
# A running job's worker writes a heartbeat this often (whatmatters.tasks_common); none in tests, where
# jobs run at once inside the request.
WHATMATTERS_TASK_HEARTBEAT_SECONDS = 0 if TESTING else env_int("WHATMATTERS_TASK_HEARTBEAT_SECONDS", 5)
# Two queues: `imports` for waiting-list extracts (minutes each), `default` for everything else (emails,
# reports, survey refreshes: seconds), so a long import never holds the worker short jobs wait for. A
# service runs a worker for each (`whatmatters db_worker --queue-name imports`, `... default`); one
# `whatmatters db_worker` alone takes both (whatmatters/management/commands/db_worker.py).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports"],
    }
}

# Email: SMTP in production; in development each email is written to a file under the data folder
# (var/emails/ by default), never to the console, so reset links and report texts stay out of the log.
DEFAULT_FROM_EMAIL = env_str("WHATMATTERS_FROM_EMAIL", "What Matters <no-reply@localhost>")
if PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("WHATMATTERS_EMAIL_HOST", "localhost"),
                "port": env_int("WHATMATTERS_EMAIL_PORT", 587),
                "username": env_str("WHATMATTERS_EMAIL_USER") or None,
                "password": env_str("WHATMATTERS_EMAIL_PASSWORD") or None,
                "use_tls": env_bool("WHATMATTERS_EMAIL_TLS", True),
            },
        }
    }
elif TESTING:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
else:
    EMAIL_DIR = Path(env_str("WHATMATTERS_EMAIL_DIR", str(DATA_DIR / "emails")))
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(EMAIL_DIR)},
        }
    }

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# Logs go to standard output. We never log request bodies, free text or email addresses: a refused request
# is one line (account number, route, team, status), a traceback leaves out database error messages
# (whatmatters/logs.py). Django's own handlers are dropped, so everything passes through ours.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refused_requests": {"()": "whatmatters.logs.RefusedRequests"}},
    "formatters": {
        "plain": {
            "class": "whatmatters.logs.SafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refused_requests"]}
    },
    "root": {"handlers": ["console"], "level": env_str("WHATMATTERS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},  # its DEBUG lines print SQL with the values people typed
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "whatmatters.views.csrf_failure"
# The banner after an action takes the focus only on the page the action led to (whatmatters/flash.py).
MESSAGE_STORAGE = "whatmatters.flash.FocusOnlyAfterTheAction"

# What people can change about the product's own rules (see the README's configuration table).
ENGAGEMENT_RATE_LIMIT = env_int("WHATMATTERS_PUBLIC_FORM_LIMIT", 20)  # answers an hour from one address
ENGAGEMENT_ORIGINAL_TEXT_DAYS = env_int("WHATMATTERS_ORIGINAL_TEXT_DAYS", 30)  # then purge-originals deletes
ENGAGEMENT_HOLD_CLEAN_STATEMENTS = env_bool("WHATMATTERS_HOLD_ALL_STATEMENTS", False)
ENGAGEMENT_GAP_DOTS = env_int("WHATMATTERS_GAP_DOTS", 10)  # this many dots and no domain: a gap
# Uploads: the largest file a page takes when it does not say (whatmatters/uploads.py); each importer's
# own limit is in docs/importing.md. The API takes a JSON body of up to the values file limit.
WHATMATTERS_MAX_UPLOAD_MB = env_int("WHATMATTERS_MAX_UPLOAD_MB", 5)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SURVEYS_ALERT_RESPONSE_DAYS = env_int("WHATMATTERS_ALERT_RESPONSE_DAYS", 2)  # then faculty are told
# Retention (docs/privacy.md): whatmatters.retention applies these daily (a task the worker runs); the
# original words of redacted statements follow ENGAGEMENT_ORIGINAL_TEXT_DAYS above.
RETENTION_SURVEY_TEXT_DAYS = env_int("WHATMATTERS_SURVEY_TEXT_DAYS", 730)  # then survey answers' words go
RETENTION_CONTACT_DETAILS_DAYS = env_int("WHATMATTERS_CONTACT_DETAILS_DAYS", 90)  # after an alert's answer
RETENTION_CONTACT_ROUTE_DAYS = env_int("WHATMATTERS_CONTACT_ROUTE_DAYS", 365)  # "tell me what you do" emails
RETENTION_AUDIT_DAYS = env_int("WHATMATTERS_AUDIT_DAYS", 2190)  # 6 years (Records Management Code 2021)
# The address people use to reach the service, for links in emails sent by the task worker.
WHATMATTERS_BASE_URL = env_str("WHATMATTERS_BASE_URL", "http://127.0.0.1:8000")
