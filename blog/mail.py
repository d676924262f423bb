"""What every app's mail shares: header values made from people's text, kept to one line."""

import re
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings

from blog.models import SiteSettings

# Everything str.splitlines() breaks at (CR, LF, VT, FF, the file/group/record separators, NEL,
# U+2028, U+2029), with the other C0 and C1 control characters: Python's email package refuses
# a header value holding a line break, and a mail server may refuse the rest.
_BREAKS = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_BREAK_RUN = re.compile(f"[ {_BREAKS}]*[{_BREAKS}][ {_BREAKS}]*")


def header_text(value) -> str:
    """value (any object, str() is taken) as one header line: each run of line breaks and
    control characters, with the spaces around it, becomes one space; ends are trimmed.

    "Fuel prices rise\\u2028again" gives "Fuel prices rise again". Never raises.
    """
    return _BREAK_RUN.sub(" ", str(value)).strip()


def blog_sender() -> str:
    """The From of the blog's mail: the blog's name (site settings) with the address of
    DEFAULT_FROM_EMAIL, so readers see "Iran News Watch", not the name the server was set up with.
    """
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return str(Address(display_name=header_text(SiteSettings.load().title), addr_spec=address))
