"""What every app's mail shares: header values made from people's text, kept to one line."""

import email
import email.policy
import re
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.mail.backends import console

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


class ConsoleMailer(console.EmailBackend):
    """Development mail printed as a developer reads it (EMAIL_URL=console:): headers decoded and
    each text part as text. Django's console backend prints the wire form, quoted-printable,
    where a link breaks at every "=" ("=3D") and at the soft line ends, and cannot be clicked.
    """

    def write_message(self, message):
        parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
        lines = [f"{name}: {value}" for name, value in parsed.items() if name not in _WIRE_HEADERS]
        for part in parsed.walk():
            if part.is_multipart():
                continue
            if part.get_content_maintype() == "text" and not part.get_filename():
                lines += ["", f"----- {part.get_content_type()} -----", part.get_content().rstrip()]
            else:
                lines += [
                    "",
                    f"----- attachment: {part.get_filename()} ({part.get_content_type()})",
                ]
        self.stream.write("\n".join(lines) + "\n" + "=" * 79 + "\n")


_WIRE_HEADERS = {"MIME-Version", "Content-Type", "Content-Transfer-Encoding"}
