import pytest

from comments.mentions import fetch
from tests.httpserver import Route


def test_fetch_reads_a_page_on_an_allowed_address(server):
    server.routes["/page"] = Route("<p>hello</p>")
    response = fetch.fetch(server.url("/page"))
    assert (response.status, response.text) == (200, "<p>hello</p>")


def test_fetch_refuses_loopback_unless_allowed(server, settings):
    server.routes["/page"] = Route("secret")
    settings.ALLOW_LOOPBACK_FETCH = False
    with pytest.raises(fetch.FetchError, match="refused address"):
        fetch.fetch(server.url("/page"))
    assert server.requests == []


@pytest.mark.parametrize(
    "address",
    ["10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "240.0.0.1"],
)  # fmt: skip
def test_address_allowed_refuses_private_and_reserved_ranges(address, settings):
    settings.ALLOW_LOOPBACK_FETCH = True
    loopback = address in ("::1",)
    assert fetch.address_allowed(address) is loopback


def test_address_allowed_accepts_public_addresses():
    assert fetch.address_allowed("93.184.216.34")
    assert fetch.address_allowed("2606:2800:220:1:248:1893:25c8:1946")


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "http://u:p@127.0.0.1/"]
)
def test_fetch_refuses_other_schemes_and_credentials(url):
    with pytest.raises(fetch.FetchError):
        fetch.fetch(url)


@pytest.mark.parametrize("port", [22, 25, 5432, 6379])
def test_fetch_refuses_ports_that_are_not_a_web_servers(port, monkeypatch):
    """A public host's SSH, mail or database port is never knocked on, not even connected to."""
    monkeypatch.setattr(fetch.socket, "create_connection", lambda *a, **k: pytest.fail("dialled"))
    with pytest.raises(fetch.FetchRefused, match=f"port {port}"):
        fetch.fetch(f"http://93.184.215.14:{port}/")


def test_fetch_follows_up_to_three_redirects(server):
    server.routes["/a"] = Route(status=301, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=302, headers={"Location": server.url("/c")})
    server.routes["/c"] = Route(status=307, headers={"Location": "/d"})
    server.routes["/d"] = Route("end")
    response = fetch.fetch(server.url("/a"))
    assert (response.url, response.text) == (server.url("/d"), "end")


def test_fetch_stops_after_too_many_redirects(server):
    for hop in range(5):
        server.routes[f"/{hop}"] = Route(status=302, headers={"Location": f"/{hop + 1}"})
    with pytest.raises(fetch.FetchError, match="redirects"):
        fetch.fetch(server.url("/0"))


def test_fetch_checks_the_address_again_at_every_redirect(server, settings):
    server.routes["/hop"] = Route(status=302, headers={"Location": "http://10.1.2.3/admin"})
    with pytest.raises(fetch.FetchError, match="refused address"):
        fetch.fetch(server.url("/hop"))


def test_fetch_refuses_an_oversized_page(server):
    server.routes["/big"] = Route(b"x" * 2_000_000)
    with pytest.raises(fetch.FetchError, match="larger than"):
        fetch.fetch(server.url("/big"), max_bytes=1_000_000)


def test_fetch_gives_up_on_a_slow_page(server):
    server.routes["/slow"] = Route("late", delay=1.5)
    with pytest.raises(fetch.FetchError):
        fetch.fetch(server.url("/slow"), timeout=0.5)


def test_fetch_connects_to_the_checked_address_not_a_new_lookup(server, monkeypatch):
    server.routes["/page"] = Route("pinned")
    calls = []
    real = fetch.socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host != "blog.example":
            return real(host, *args, **kwargs)
        calls.append(host)
        # A second lookup (as a plain HTTP client would make) would get a private address.
        return real("127.0.0.1" if len(calls) == 1 else "10.0.0.1", *args, **kwargs)

    monkeypatch.setattr(fetch.socket, "getaddrinfo", rebinding)
    response = fetch.fetch(f"http://blog.example:{server.httpd.server_address[1]}/page")
    assert response.text == "pinned"
    assert calls == ["blog.example"]
    assert server.requests[0][2]["Host"].startswith("blog.example")


@pytest.mark.parametrize(
    "host",
    ["64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b:1::a00:1", "::a00:1", "::ffff:10.0.0.1",
     "2002:a00:1::1", "2001:0:4136:e378:8000:63bf:f5ff:fffe"],
)  # fmt: skip
def test_fetch_refuses_an_ipv6_address_that_carries_a_private_ipv4_one(host, monkeypatch, settings):
    """NAT64, IPv4-compatible, IPv4-mapped, 6to4 and Teredo forms of 10.0.0.1 or 127.0.0.1."""
    settings.ALLOW_LOOPBACK_FETCH = False
    monkeypatch.setattr(fetch.socket, "create_connection", lambda *a, **k: pytest.fail("dialled"))
    with pytest.raises(fetch.FetchRefused, match="refused address"):
        fetch.fetch(f"http://[{host}]/")


def test_address_allowed_accepts_nat64_of_a_public_address():
    assert fetch.address_allowed("64:ff9b::5db8:d822")
