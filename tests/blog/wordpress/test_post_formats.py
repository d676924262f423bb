"""Post formats (aside, quote, ...) come in from WordPress, show on the page, and go back out."""

import io

import pytest
from django.db import IntegrityError

from blog.models import Post
from blog.wordpress import services as wordpress_services
from blog.wordpress import wxr
from blog.wordpress.exporter import wordpress_export
from tests.blog.wordpress import wxr_samples as samples
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def with_format(item, slug, name="Aside"):
    term = f'<category domain="post_format" nicename="{slug}"><![CDATA[{name}]]></category>'
    return item.replace("</item>", term + "</item>")


def run_import(*items):
    wordpress_services.wordpress_import(source=io.BytesIO(samples.export(*items)))


@pytest.mark.parametrize("name", ["aside", "gallery", "link", "image", "quote", "status", "video", "audio", "chat"])  # fmt: skip
def test_import_keeps_the_post_format(name):
    run_import(with_format(samples.item(1, "Note", slug="note"), f"post-format-{name}"))
    assert Post.objects.get().format == name


def test_post_without_or_with_an_unknown_format_is_standard():
    run_import(
        samples.item(1, "Plain", slug="plain"),
        with_format(samples.item(2, "Odd", slug="odd"), "post-format-hologram"),
    )
    assert set(Post.objects.values_list("format", flat=True)) == {"standard"}


def test_format_class_is_on_the_post_and_in_lists(client):
    post = make_post("Quick note", format="aside")
    assert (
        '<article class="post format-aside">'
        in client.get(post.get_absolute_url()).content.decode()
    )
    assert '<article class="summary format-aside">' in client.get("/").content.decode()


def test_export_writes_the_format_back_as_wordpress_reads_it():
    make_post("Said", format="quote")
    make_post("Plain")
    out = io.StringIO()
    wordpress_export(out=out, site_url="http://testserver", title="Blog")
    items = [o for o in wxr.read(io.BytesIO(out.getvalue().encode())) if isinstance(o, wxr.Item)]
    terms = {item.title: [c for c in item.categories if c[0] == "post_format"] for item in items}
    assert terms == {"Said": [("post_format", "post-format-quote", "Quote")], "Plain": []}


def test_unknown_format_is_refused_by_the_database():
    post = make_post("Note")
    with pytest.raises(IntegrityError):
        Post.objects.filter(pk=post.pk).update(format="hologram")


def test_admin_edits_the_format(admin_client):
    post = make_post("Note")
    html = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert '<option value="aside">Aside</option>' in html
    assert "format__exact=aside" in admin_client.get("/admin/blog/post/").content.decode()
