"""/.well-known/security.txt (RFC 9116): where to report a vulnerability."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def fields(response) -> dict[str, list[str]]:
    found = {}
    for line in response.content.decode().splitlines():
        name, _, value = line.partition(": ")
        found.setdefault(name, []).append(value)
    return found


def test_security_txt_names_every_configured_contact(client, settings):
    settings.SECURITY_CONTACT = ["mailto:security@example.com", "https://example.com/report"]
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert fields(response)["Contact"] == settings.SECURITY_CONTACT


def test_security_txt_expires_within_the_year_as_the_rfc_asks(client):
    [expires] = fields(client.get("/.well-known/security.txt"))["Expires"]
    when = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%S%z")
    assert timezone.now() < when < timezone.now() + timedelta(days=365)


def test_security_txt_says_where_it_lives(client, settings):
    settings.SITE_URL = "https://blog.example.com"
    response = client.get("/.well-known/security.txt")
    assert fields(response)["Canonical"] == ["https://blog.example.com/.well-known/security.txt"]


def test_security_txt_has_only_fields_the_rfc_defines(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.get("/.well-known/security.txt")
    assert set(fields(response)) <= {
        "Contact", "Expires", "Preferred-Languages", "Canonical", "Policy", "Encryption",
        "Acknowledgments", "Hiring", "CSAF",
    }  # fmt: skip


def test_old_top_level_security_txt_redirects_to_well_known(client):
    response = client.get("/security.txt")
    assert response.status_code == 301
    assert response["Location"] == "/.well-known/security.txt"
