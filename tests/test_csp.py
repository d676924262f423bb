"""Fault 2 of the security review: an enforcing Content-Security-Policy on every response."""

import pytest

from tests.factories import make_post

pytestmark = pytest.mark.django_db


def directives(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/search/?q=news", "/no-such-page/"])
def test_csp_is_enforced_on_every_page(client, path):
    make_post()
    policy = directives(client.get(path))
    assert (
        policy["frame-ancestors"],
        policy["object-src"],
        policy["form-action"],
        policy["base-uri"],
    ) == (["'none'"], ["'none'"], ["'self'"], ["'self'"])


def test_csp_admits_scripts_from_this_site_only(client):
    make_post()
    policy = directives(client.get("/"))
    assert [source for source in policy["script-src"] if not source.startswith("'nonce-")] == [
        "'self'"
    ]


def test_csp_nonce_of_an_admin_page_matches_its_inline_scripts(admin_client):
    response = admin_client.get("/admin/blog/post/add/")
    nonce = next(s for s in directives(response)["script-src"] if s.startswith("'nonce-"))
    assert f'nonce="{nonce[7:-1]}"' in response.content.decode()


def test_comment_avatars_carry_no_style_attribute(client):
    from tests.comments.factories import make_comment

    post = make_post()
    make_comment(post, user_name="Lena Kraus")
    assert "style=" not in client.get(post.get_absolute_url()).content.decode()
