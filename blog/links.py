"""The one check every address the blog prints as a link or a resource passes.

Whoever wrote the address (an author's profile, a commenter, the site settings, an imported
WordPress export, another site's pingback), it is checked when saved (the validators here) and
again when rendered (the ``safe_url`` filter of ``blog_tags``), so an old row written before the
check, or by code that skips validation, still cannot print a ``javascript:`` link.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = frozenset({"http", "https"})
MAIL_SCHEMES = WEB_SCHEMES | {"mailto"}
# Browsers (WHATWG URL parser) strip leading and trailing C0 controls and spaces and drop tabs
# and newlines anywhere, so "\tjava\nscript:" is javascript: to them: judge what they see.
_STRIPPED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_DROPPED = re.compile(r"[\t\n\r]")
_MESSAGE = _("Enter an address that starts with http:// or https://.")
_MAIL_MESSAGE = _("Enter an address that starts with http://, https:// or mailto:.")


def url_scheme(value: str) -> str:
    """The scheme a browser would see in value, lowercased; "" when there is none."""
    seen = _DROPPED.sub("", _STRIPPED.sub("", value or ""))
    try:
        parts = urlsplit(seen)
    except ValueError:
        return ""
    return parts.scheme.lower() if parts.netloc or parts.scheme == "mailto" else ""


def safe_url(value: str, *, mailto: bool = False) -> str:
    """value stripped when it is an http(s) address (or mailto:, when allowed), else "".

    An address without a scheme (relative, or protocol-relative ``//host``) is refused too:
    everything this check guards is meant to be another site's absolute address.
    """
    allowed = MAIL_SCHEMES if mailto else WEB_SCHEMES
    value = _STRIPPED.sub("", value or "")
    return value if url_scheme(value) in allowed else ""


def validate_web_url(value: str) -> None:
    """Model and form validator: raises ValidationError unless value is an http(s) address."""
    if value and not safe_url(value):
        raise ValidationError(_MESSAGE, code="scheme")


def validate_link_url(value: str) -> None:
    """Like validate_web_url, also admitting mailto: (contact links)."""
    if value and not safe_url(value, mailto=True):
        raise ValidationError(_MAIL_MESSAGE, code="scheme")


def validate_web_url_lines(value: str) -> None:
    """Validator of a list of addresses, one a line (an author's other profile links); raises
    ValidationError naming the first line that is not an http(s) address."""
    for number, line in enumerate((value or "").splitlines(), start=1):
        if line.strip() and not safe_url(line):
            raise ValidationError(
                _("Line %(number)d: %(message)s"),
                code="scheme",
                params={"number": number, "message": _MESSAGE},
            )
