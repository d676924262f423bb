"""Settings for the blog, read from the environment in one place.

Development defaults apply only when DEBUG is on; with DEBUG off every
value that matters must come from the environment, and an insecure
configuration stops the start with a message that says what to set.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def mailer_from_url(url):
    """Turn EMAIL_URL (smtp://user:pass@host:port, smtps://, console:, ...) into a mailer."""
    parts = urlsplit(url)
    backends = {
        # Prints mail decoded, links whole (Django's prints quoted-printable).
        "console": "blog.mail.ConsoleMailer",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
    }
    if parts.scheme in backends:
        options = {"file_path": parts.path} if parts.scheme == "file" else {}
        return {"BACKEND": backends[parts.scheme], "OPTIONS": options}
    if parts.scheme not in {"smtp", "smtps", "smtp+tls"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL has an unknown scheme {parts.scheme!r}: use smtp://, smtps://, "
            "smtp+tls://, console: or file:/path."
        )
    query = parse_qs(parts.query)
    options = {
        "host": parts.hostname or "localhost",
        "port": parts.port or {"smtps": 465, "smtp+tls": 587}.get(parts.scheme, 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": parts.scheme == "smtp+tls",
        "timeout": int(query.get("timeout", ["20"])[0]),
    }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


def security_contacts(value):
    """SECURITY_CONTACT (comma-separated) as RFC 9116 Contact URIs: an email address becomes a
    mailto: URI; mailto:, https:// and tel: URIs stay. ImproperlyConfigured for anything else
    (http:// included: RFC 9116 section 2.5.3 wants web addresses on https)."""
    contacts = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        uri = item if ":" in item else f"mailto:{item}"
        scheme, _, rest = uri.partition(":")
        scheme = scheme.lower()
        plain = rest and not any(char.isspace() or ord(char) < 32 for char in rest)
        known = (
            (scheme == "https" and rest.startswith("//"))
            or scheme == "tel"
            or (scheme == "mailto" and "@" in rest)
        )
        if not (plain and known):
            raise ImproperlyConfigured(
                f"SECURITY_CONTACT must list email addresses or mailto:, https:// or tel: "
                f"addresses, separated by commas; {item!r} is none of these."
            )
        contacts.append(uri)
    return contacts


DEBUG = env_bool("DEBUG")
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"

SECRET_KEY = os.environ.get("SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "blog.views.csrf_failure"
EMAIL_URL = os.environ.get("EMAIL_URL") or ("console:" if DEBUG else "")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000" if DEBUG else "").rstrip("/")
# Where to report a vulnerability, served at /.well-known/security.txt (RFC 9116).
SECURITY_CONTACT = security_contacts(
    os.environ.get("SECURITY_CONTACT", "security@localhost" if DEBUG else "")
)

if not DEBUG:
    problems = []
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a random string of at least 50 characters")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the site's host names (no '*')")
    if not EMAIL_URL:
        problems.append("EMAIL_URL must say how to send mail, e.g. smtp://user:pass@host:587")
    if not SITE_URL:
        problems.append("SITE_URL must give the public address, e.g. https://blog.example.com")
    if not SECURITY_CONTACT:
        problems.append(
            "SECURITY_CONTACT must say where to report a vulnerability, e.g. "
            "security@example.com or https://example.com/security"
        )
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG off: "
            + "; ".join(problems)
            + ". (Set DEBUG=1 for local development.)"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "procrastinate.contrib.django",
    "taggit",
    "django_prose_editor",
    "django_comments_xtd",
    "django_comments",
    "blog",
    "blog.followers",
    "blog.media",
    "blog.revisions",
    "blog.stats",
    "blog.wordpress",
    "comments",
    "comments.mentions",
    # Social sign-in (Google, Facebook, X, WordPress.com): our providers and pages (first, so
    # its templates replace allauth's) on allauth's machinery.
    "comments.signin",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "comments.signin.middleware.signin_form_action_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "blog.middleware.nul_byte_middleware",  # before anything that queries with the address
    "blog.stats.middleware.count_views_middleware",
    # Inside the count (a cached page still counts) and outside the rest: a page served from
    # the cache skips sessions, CSRF, users and messages (its reader has no cookie they could
    # read), and the headers they add to a page are stored with it.
    "blog.middleware.page_cache_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "blog.middleware.site_settings_middleware",
    "blog.middleware.legacy_redirect_middleware",
    "comments.mentions.middleware.mention_headers_middleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

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
                "blog.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
        engine="config.postgresql",  # Django's, with a health check without a round trip
    )
}
# The page cache's read of its table is a statement PostgreSQL keeps prepared on each connection
# (config/postgresql/cache.py); Django's own queries never are. DB_PREPARE=0 turns it off, for a
# pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
if os.environ.get("DB_PREPARE", "1") != "0":
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_TABLE = "newsroom_cache"


def cache_from_url(url):
    """CACHE_URL: "" (a table in the blog's own PostgreSQL, `manage.py createcachetable`),
    redis://host:6379/0 (Django's RedisCache, for several machines) or locmem: (one process)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem:"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom"}
    if url:
        raise ImproperlyConfigured("CACHE_URL must be redis://..., locmem: or empty (PostgreSQL).")
    return {
        "BACKEND": "config.postgresql.cache.DatabaseCache",  # Django's, a cheaper read
        "LOCATION": CACHE_TABLE,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }


# Whole pages for anonymous readers (blog.pagecache) and the shared HTML of the sidebar and
# menu, in the cache every process and machine shares, invalidated by every change readers can
# see. PAGE_CACHE_SECONDS bounds how old a cached page gets at all (0: no page cache), and
# must stay below COMMENTS_TIMEOUT: the comment form's signed time stamp is in it.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
# How long a shared proxy (a CDN) may keep a public page without asking (s-maxage).
PAGE_CACHE_PROXY_SECONDS = int(os.environ.get("PAGE_CACHE_PROXY_SECONDS", "10"))
PAGE_CACHE_VIEWS = {
    "blog:home", "blog:post", "blog:page", "blog:category", "blog:tag", "blog:author",
    "blog:archive-year", "blog:archive-month", "blog:archive-day",
    "blog:feed", "blog:feed-atom", "blog:category-feed", "blog:category-feed-atom",
    "blog:tag-feed", "blog:tag-feed-atom", "blog:author-feed", "blog:author-feed-atom",
    "comments:feed", "comments:feed-atom", "comments:post-feed", "comments:post-feed-atom",
    "sitemap",
}  # fmt: skip

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)
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

MAILERS = {"default": mailer_from_url(EMAIL_URL or "console:")}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Newsroom <blog@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TAGGIT_CASE_INSENSITIVE = True

# Fetching other sites (pingbacks, webmentions): never private addresses; loopback only when
# allowed, for tests and for two blogs on one machine.
ALLOW_LOOPBACK_FETCH = env_bool("ALLOW_LOOPBACK_FETCH")
FETCH_TIMEOUT = 5.0
FETCH_MAX_BYTES = 1_000_000
# Pingbacks and webmentions (comments.mentions): fetches of other sites at once across every
# process (Postgres advisory locks), the XML-RPC body cap, and (requests, seconds) allowed per
# sender address and per source host on /xmlrpc/ and /webmention/ together.
PING_FETCH_SLOTS = int(os.environ.get("PING_FETCH_SLOTS", "4"))
PING_MAX_BODY = 64 * 1024
PING_RATE_LIMIT_IP = (20, 10 * 60)
PING_RATE_LIMIT_SOURCE_HOST = (10, 10 * 60)
# How long a pingback's XML-RPC answer waits for the task that fetches its source (a fetch
# takes at most FETCH_TIMEOUT, after at most 2 s waiting for a fetch slot). Past that, the
# answer says "received" and the task decides alone.
PINGBACK_WAIT = float(os.environ.get("PINGBACK_WAIT_SECONDS", "10"))
# How many of those answers may wait at once, across every web process and machine (Postgres
# advisory locks); the others say "received" at once. A waiting answer ties up a web process,
# so keep this below the web processes of one machine (WEB_CONCURRENCY, 3): at the default 2,
# a flood of pingbacks from slow sources always leaves a process free for readers (issue 14).
PINGBACK_WAITERS = max(0, int(os.environ.get("PINGBACK_WAITERS", "2")))

# Background work: Procrastinate keeps its jobs in this same Postgres.
# A worker silent (no heartbeat) this many seconds is taken for dead, and the jobs it was doing
# are retried on another (blog.tasks.retry_stalled_jobs).
WORKER_STALLED_SECONDS = float(os.environ.get("WORKER_STALLED_SECONDS", "30"))
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": int(os.environ.get("WORKER_CONCURRENCY", "4")),
    "update_heartbeat_interval": WORKER_STALLED_SECONDS / 3,
    "stalled_worker_timeout": WORKER_STALLED_SECONDS,
}

# Safe defaults when DEBUG is off; a proxy that terminates TLS sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# An enforcing Content-Security-Policy on every response: scripts and styles from this site only
# (an inline one carries the request's nonce: <script nonce="{{ csp_nonce }}">), no plugins, no
# framing, forms post here only. Images may come from any https site (posts embed them, and
# uploads may be on an object store).
# The post editor (django-prose-editor's Tiptap) adds one fixed <style> element of its own; its
# hash admits exactly that text. A new editor version with other CSS shows up as a violation in
# the browser tests (tests/browser/conftest.py): put the hash chromium names there.
TIPTAP_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, TIPTAP_STYLE_HASH],
    "img-src": [CSP.SELF, "https:", "data:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    # A page with social sign-in buttons adds the configured providers' origins: starting a
    # sign-in posts here and is redirected there, and Chromium holds that redirect to
    # form-action too (comments.signin.middleware).
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}
# Providers whose player replaces the link card of an embedded page (blog.wordpress.embeds):
# off by default, so readers' visits reach no third party; "youtube" shows YouTube's
# privacy-enhanced player and lets the policy admit frames from that one origin.
EMBED_FRAMES = env_list("EMBED_FRAMES")
_FRAME_ORIGINS = {"youtube": "https://www.youtube-nocookie.com"}
if unknown_frames := set(EMBED_FRAMES) - set(_FRAME_ORIGINS):
    raise ImproperlyConfigured(
        f"EMBED_FRAMES: unknown provider(s) {', '.join(sorted(unknown_frames))}; "
        f"known: {', '.join(_FRAME_ORIGINS)}"
    )
if EMBED_FRAMES:
    SECURE_CSP["frame-src"] = [_FRAME_ORIGINS[name] for name in EMBED_FRAMES]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Social sign-in (comments.signin, on django-allauth). Only its provider sign-in is used: local
# log-in, sign-up and password reset stay ours (comments.accounts, rate-limited by blog.logins).
# A provider shows on the comment form and log-in page once it has a client id and secret, set
# by editors in the admin (Social applications) or here from the environment. A first sign-in
# makes a reader account with no confirmation mail, and only with an email address the
# provider vouches for; a later one joins the account that has that address.
SIGNIN_PROVIDERS = {"google": "GOOGLE", "facebook": "FACEBOOK", "x": "X", "wordpress": "WORDPRESS"}
SOCIALACCOUNT_PROVIDERS = {
    provider: {
        "APPS": [
            {
                "client_id": os.environ[f"{prefix}_CLIENT_ID"],
                "secret": os.environ.get(f"{prefix}_CLIENT_SECRET", ""),
            }
        ]
    }
    for provider, prefix in SIGNIN_PROVIDERS.items()
    if os.environ.get(f"{prefix}_CLIENT_ID")
}
SOCIALACCOUNT_ADAPTER = "comments.signin.adapter.SignInAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the adapter refuses an address nobody vouched for
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a vouched-for address signs in to its account
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False  # we read the profile once; no token is kept
SOCIALACCOUNT_LOGIN_ON_GET = False  # starting a sign-in takes a POST with the CSRF token
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5  # seconds per request to a provider, while the reader waits
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*"]
ACCOUNT_UNIQUE_EMAIL = False  # local sign-up keeps its own check (comments.accounts)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"

# Reader comments: django-comments-xtd with our model and form (comments app). Every mail it
# sends goes through the task queue (comments.tasks), never a thread. The moderation settings
# editors change (approval, depth, order, blocklist, ...) live in comments.DiscussionSettings.
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "comments.models.Comment"
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_CONFIRM_EMAIL = True
COMMENTS_XTD_SEND_HTML_EMAIL = True
COMMENTS_XTD_FROM_EMAIL = DEFAULT_FROM_EMAIL
COMMENTS_XTD_CONTACT_EMAIL = DEFAULT_FROM_EMAIL
COMMENTS_XTD_SALT = b"newsroom-comments"
# A hard ceiling only; the depth readers see is DiscussionSettings.thread_depth (1-10).
COMMENTS_XTD_MAX_THREAD_LEVEL = 9
COMMENTS_TIMEOUT = 24 * 3600  # a signed comment form stays valid this long
COMMENTS_MIN_SUBMIT_SECONDS = int(os.environ.get("COMMENTS_MIN_SUBMIT_SECONDS", "3"))
COMMENTS_RATE_LIMIT = (8, 10 * 60)  # comment posts from one address per window in seconds

# Visitor counting (blog.stats): off only to measure what it costs. Behind N proxies that append
# to X-Forwarded-For, TRUSTED_PROXIES=N lets rate limits and unique visitors see the reader's
# address instead of the proxy's.
COUNT_VIEWS = env_bool("COUNT_VIEWS", default=True)
# A process writes its counted views together, in one INSERT, at the end of a request once this
# many seconds have passed since its last write or this many wait, and when it exits
# (blog.stats.services.views_flush_due): no write per view on a busy blog. Tests write each view
# at once (VIEWS_FLUSH_SECONDS=0).
VIEWS_FLUSH_SECONDS = float(os.environ.get("VIEWS_FLUSH_SECONDS", "1"))
VIEWS_FLUSH_SIZE = int(os.environ.get("VIEWS_FLUSH_SIZE", "500"))
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "none": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "procrastinate": {"level": "WARNING"},
        # A request for a host the blog does not serve (scanners, stray DNS) is answered 400
        # and not logged: Django's recipe, instead of an ERROR with a traceback per request.
        "django.security.DisallowedHost": {"handlers": ["none"], "propagate": False},
    },
}
