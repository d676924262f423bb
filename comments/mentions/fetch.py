"""Fetch a page from another site without letting anyone aim this server at a private network.

Used to verify pingbacks and webmentions and to discover other blogs' endpoints. Every fetch is
bounded: http and https only, on web servers' ports, a deadline for the whole exchange, a cap on
the bytes read and on redirects, and the address is checked after DNS resolution and then
connected to directly, so a second lookup cannot swap in another address. Redirects are
checked the same way at every hop. Errors carry a short internal reason for logs; callers must
never show it to the other side.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

import charset_normalizer
from django.conf import settings
from w3lib.encoding import html_to_unicode, http_content_type_encoding, read_bom, to_unicode

from comments.mentions import weburls

USER_AGENT = "Newsroom/1.0 (pingback and webmention verification)"
REDIRECTS = {301, 302, 303, 307, 308}
# Ports of web servers (WordPress allows 80, 443 and 8080): a ping cannot aim this server at
# another machine's SSH, SMTP or database port. Loopback (tests) is not held to them.
WEB_PORTS = {80, 443, 8080, 8443}


class FetchError(Exception):
    """The fetch was refused or failed; str() is for logs only, never for the requester."""


class FetchRefused(FetchError):
    """Refused for good (address, scheme, size, redirects): trying again cannot help."""


@dataclass
class Response:
    url: str
    status: int
    headers: Message
    body: bytes

    @property
    def text(self):
        """The body decoded as browsers decode it (see decode)."""
        content_type = self.headers.get("Content-Type")
        html = "html" in (self.headers.get_content_type() or "")
        return decode(self.body, content_type, html=html)

    def header_values(self, name):
        return self.headers.get_all(name) or []


def decode(body: bytes, content_type: str | None, *, html: bool = True) -> str:
    """body as text, its encoding found as the HTML standard's sniffing does (section 13.2.3):
    a byte order mark, else the charset of the Content-Type header, else (HTML) a <meta
    charset> or http-equiv in the first bytes or an XML declaration (w3lib's html_to_unicode,
    with WHATWG's names: ISO-8859-1 is read as windows-1252), else guess_encoding. Bytes the
    encoding cannot read become U+FFFD."""
    if html:
        return html_to_unicode(content_type, body, auto_detect_fun=guess_encoding)[1]
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return to_unicode(body[len(bom) :], bom_encoding)
    encoding = http_content_type_encoding(content_type) or guess_encoding(body)
    return to_unicode(body, encoding)


def guess_encoding(body: bytes) -> str:
    """For a page that declares nothing: UTF-8 if it is valid UTF-8, else what
    charset-normalizer finds likeliest (as browsers' detectors do), else windows-1252 (the
    HTML standard's default for most locales)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(body).best()
        return best.encoding if best is not None else "cp1252"
    return "utf-8"


# IPv6 ranges that carry an IPv4 address in their last 32 bits (RFC 6052 NAT64, RFC 8215
# local NAT64, RFC 4291 section 2.5.5.1 IPv4-compatible): a gateway may deliver them to it.
_LAST_32_BITS_IPV4 = tuple(
    ipaddress.ip_network(net) for net in ("64:ff9b::/96", "64:ff9b:1::/48", "::/96")
)


def embedded_ipv4(ip):
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped (RFC 4291), NAT64 (RFC 6052,
    RFC 8215), IPv4-compatible (RFC 4291), 6to4 (RFC 3056) and both of Teredo's (RFC 4380).
    A list of IPv4Address, empty for an IPv4 address or a plain IPv6 one (:: and ::1 too)."""
    if not isinstance(ip, ipaddress.IPv6Address) or int(ip) <= 1:
        return []
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if any(ip in network for network in _LAST_32_BITS_IPV4):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def _one_allowed(ip):
    if ip.is_loopback:
        return bool(getattr(settings, "ALLOW_LOOPBACK_FETCH", False))
    return ip.is_global and not ip.is_multicast


def address_allowed(ip_text):
    """Public unicast addresses only; loopback too when ALLOW_LOOPBACK_FETCH is on (tests).
    An IPv6 address that embeds an IPv4 one (see embedded_ipv4) must pass with both; an
    IPv4-mapped one is judged as the IPv4 address it is. ip_text: an address, maybe with a
    %zone; ValueError if it is not one."""
    ip = ipaddress.ip_address(ip_text.split("%", 1)[0])
    inner = embedded_ipv4(ip)
    outer = [] if getattr(ip, "ipv4_mapped", None) else [ip]
    return all(_one_allowed(address) for address in outer + inner)


def resolve(host, port):
    """The addresses host resolves to, refused if any of them is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host!r}: {error}") from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    refused = [address for address in addresses if not address_allowed(address)]
    if not addresses or refused:
        raise FetchRefused(f"{host!r} resolves to a refused address {refused}")
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand, whatever the host name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _split(url):
    try:
        parts = urlsplit(weburls.for_request(url))  # an IRI goes on the wire as a URI
    except weburls.BadURL as error:
        raise FetchRefused(f"not a valid http(s) URL ({error}): {url[:200]!r}") from None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path


def _read_body(response, max_bytes, deadline):
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("the response took too long")
        chunk = response.read1(16384) if hasattr(response, "read1") else response.read(16384)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"the response is larger than {max_bytes} bytes")
        chunks.append(chunk)


def _exchange(method, url, body, headers, deadline, max_bytes):
    scheme, host, port, path = _split(url)
    address = resolve(host, port)[0]
    if port not in WEB_PORTS and not ipaddress.ip_address(address.split("%", 1)[0]).is_loopback:
        raise FetchRefused(f"port {port} is not a web server's port")
    remaining = max(0.1, deadline - time.monotonic())
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, address, timeout=remaining)
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **headers})
        response = conn.getresponse()
        if response.status in REDIRECTS:
            return response.status, response.msg, b""
        return response.status, response.msg, _read_body(response, max_bytes, deadline)
    except (OSError, http.client.HTTPException, ssl.SSLError) as error:
        raise FetchError(f"{type(error).__name__}: {error}") from error
    finally:
        conn.close()


def _redirect_url(url, location):
    """Where a redirect leads; FetchRefused when it says nowhere valid."""
    if not location:
        raise FetchRefused("a redirect without a Location")
    # http.client reads header bytes as Latin-1; browsers read a Location's bytes as UTF-8.
    with contextlib.suppress(UnicodeError):
        location = location.encode("latin-1").decode("utf-8")
    joined = weburls.join(url, location)
    if joined is None or not weburls.is_valid(joined):
        raise FetchRefused(f"a redirect to a malformed URL: {location[:200]!r}")
    return joined


def fetch(url, *, method="GET", data=None, headers=None, timeout=None, max_bytes=None,
          max_redirects=3):  # fmt: skip
    """Fetch url within the limits; follow up to max_redirects redirects (GET after 303)."""
    timeout = timeout or getattr(settings, "FETCH_TIMEOUT", 5.0)
    max_bytes = max_bytes or getattr(settings, "FETCH_MAX_BYTES", 1_000_000)
    deadline = time.monotonic() + timeout
    headers = dict(headers or {})
    for _hop in range(max_redirects + 1):
        status, response_headers, body = _exchange(method, url, data, headers, deadline, max_bytes)
        if status not in REDIRECTS:
            return Response(url=url, status=status, headers=response_headers, body=body)
        url = _redirect_url(url, response_headers.get("Location"))
        if status == 303:
            method, data = "GET", None
    raise FetchRefused(f"more than {max_redirects} redirects")
