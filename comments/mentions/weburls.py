"""Web addresses other sites send us: checked where they arrive, compared in a normal form.

A malformed address (a broken IPv6 literal, a port out of range, control characters, a host
that is no host name) is refused where it arrives, with a reason fit to show the sender, so
nothing waits for a job that cannot run. Two addresses name the same page when their normal
forms are equal: the IRI mapped to a URI (RFC 3987 section 3.1: UTF-8 percent-encoding, IDNA
host), then RFC 3986 section 6.2.2 (case, percent-encoding and dot-segment normalisation) and
6.2.3 (default port, empty path), done by w3lib's canonicalize_url; and, as pingback senders
expect, http and https, a trailing slash and the fragment do not count.
"""

import ipaddress
import re
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from w3lib.url import canonicalize_url, safe_url_string

MAX_LENGTH = 1000  # the URL columns: MentionRequest.source/target, OutgoingPing.target
ASCII_SPACES = " \t\n\r\f"  # stripped around a URL, as browsers do; any other is refused
DEFAULT_PORTS = {"http": 80, "https": 443}
# C0 and C1 controls, DEL, spaces of any script: never inside a URL (RFC 3986 section 2, and
# RFC 3987's ucschar excludes them); Python's \s covers the Unicode spaces.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
_LABEL = re.compile(r"^[\w-]+$")  # letters of any script, digits, "-" and the "_" sites use


class BadURL(ValueError):
    """An address that is not an http(s) URL; str() says why, in words for the sender, to
    follow "the source URL" ("is empty", "has a malformed host or port", ...)."""


def checked(url: str) -> str:
    """url without surrounding ASCII spaces if it is an absolute http(s) URL or IRI with a
    valid host and port, at most MAX_LENGTH characters; BadURL otherwise."""
    url = (url or "").strip(ASCII_SPACES)
    if not url:
        raise BadURL("is empty")
    if len(url) > MAX_LENGTH:
        raise BadURL(f"is longer than {MAX_LENGTH} characters")
    if _FORBIDDEN.search(url):
        raise BadURL("contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadURL("has a malformed host or port") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise BadURL("is not an http or https URL")
    if parts.username is not None or parts.password is not None:
        raise BadURL("contains a user name or password")
    if not _host_valid(parts.hostname or "", bracketed="[" in parts.netloc):
        raise BadURL("has no valid host name")
    if port == 0:
        raise BadURL("has a port out of range")
    return url


def _host_valid(host: str, *, bracketed: bool) -> bool:
    if bracketed:  # urlsplit let an IPvFuture literal through: only IPv6 is fetched
        try:
            return ipaddress.ip_address(host.split("%", 1)[0]).version == 6
        except ValueError:
            return False
    labels = host.removesuffix(".").split(".")
    if not host or not all(_LABEL.match(label) for label in labels):
        return False
    try:
        host.encode("idna")  # label lengths, and what IDNA allows
    except UnicodeError:
        return False
    return True


def is_valid(url: str) -> bool:
    """Would checked(url) accept it?"""
    try:
        checked(url)
    except BadURL:
        return False
    return True


def for_request(url: str) -> str:
    """The URI to send on the wire for a URL or IRI: non-ASCII percent-encoded as UTF-8 and an
    IDNA host (RFC 3987 section 3.1); BadURL when it is not valid."""
    return safe_url_string(checked(url))


def join(base: str, href: str) -> str | None:
    """href resolved against base, without its fragment; None when either is malformed."""
    try:
        return urldefrag(urljoin(base, href.strip(ASCII_SPACES)))[0]
    except ValueError:
        return None


def normal(url: str) -> tuple[str, str, str] | None:
    """(host[:port], path without its trailing slash, query) of the URL's normal form, or None
    when it is not a valid http(s) URL. The query's parameters are sorted (w3lib): harmless
    where two addresses are only compared."""
    try:
        parts = urlsplit(canonicalize_url(checked(url)))
        port = parts.port
    except ValueError:  # BadURL, or what the normal form still cannot parse
        return None
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return host, parts.path.rstrip("/"), parts.query


def same_url(a: str, b: str) -> bool:
    """Do a and b name the same page (the normal forms above)? Never for a malformed one."""
    first = normal(a)
    return first is not None and first == normal(b)


def same_host(a: str, b: str) -> bool:
    """Are a and b on the same host and port (normal forms)? Never for a malformed one."""
    first = normal(a)
    return first is not None and first[0] == (normal(b) or ("",))[0]


def path_text(url: str) -> str:
    """The URL's path as text, percent-encoding decoded as UTF-8: what Django's resolver
    matches (request.path is decoded the same way)."""
    return unquote(urlsplit(url).path or "/", errors="replace")
