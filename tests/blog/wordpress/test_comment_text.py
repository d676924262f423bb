"""Imported comment text is WordPress's HTML decoded once: pingbacks' "[&#8230;]" reads "[…]"."""

import io

import django_comments
import pytest

from blog.models import Post
from blog.wordpress import services as wordpress_services
from blog.wordpress import wxr
from blog.wordpress.exporter import wordpress_export
from tests.blog.wordpress import wxr_samples as samples
from tests.comments.factories import make_comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def import_comments(*comments):
    item = samples.item(1, "Talks", slug="talks", comments=comments)
    wordpress_services.wordpress_import(source=io.BytesIO(samples.export(item)))
    return {c.kind: c.comment for c in django_comments.get_model().objects.all()}


def test_pingback_excerpt_shows_its_ellipsis_once_decoded(client):
    ping = samples.comment(
        5, kind="pingback", url="http://other.example/a", text="[&#8230;] Iran talks [&#8230;]"
    )
    assert import_comments(ping)["pingback"] == "[…] Iran talks […]"
    html = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert "[…] Iran talks […]" in html and "&amp;#8230;" not in html


@pytest.mark.parametrize("kind", ["", "trackback"])
def test_comment_entities_are_decoded_once_only(kind):
    comment = samples.comment(6, kind=kind, url="http://x.example/", text="Fish &amp;amp; chips")
    assert list(import_comments(comment).values()) == ["Fish &amp; chips"]


def test_exported_comment_text_reads_back_as_typed():
    make_comment(make_post("Maths"), "a < b &amp; c")
    out = io.StringIO()
    wordpress_export(out=out, site_url="http://testserver", title="Blog")
    [item] = [o for o in wxr.read(io.BytesIO(out.getvalue().encode())) if isinstance(o, wxr.Item)]
    assert item.comments[0].content == "a < b &amp; c"
