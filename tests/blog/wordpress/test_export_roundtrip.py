"""An export keeps the old WordPress IDs and every tag, so importing it again (here or on
WordPress) lands on the same rows."""

import io
import re

import django_comments
import pytest
from django.contrib.auth import get_user_model
from taggit.models import Tag

from blog.models import Category, LegacyLink, Page, Post
from blog.wordpress import services as wordpress_services
from blog.wordpress import wxr
from blog.wordpress.exporter import wordpress_export
from tests.blog.wordpress import wxr_samples as samples
from tests.factories import make_post

pytestmark = pytest.mark.django_db

UNUSED_TAG = (
    "<wp:tag><wp:term_id>77</wp:term_id><wp:tag_slug><![CDATA[unused]]></wp:tag_slug>"
    "<wp:tag_name><![CDATA[Nobody uses me]]></wp:tag_name></wp:tag>"
)


def original():
    return samples.full_export().replace(b"<item>", UNUSED_TAG.encode() + b"<item>", 1)


def run_import(data):
    return wordpress_services.wordpress_import(source=io.BytesIO(data))


def export():
    out = io.StringIO()
    wordpress_export(out=out, site_url="http://testserver", title="Blog")
    return out.getvalue().encode()


def rows():
    """Every row an import makes, by primary key, and the old addresses."""
    models = [Post, Page, Category, Tag, get_user_model(), django_comments.get_model()]
    ids = {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in models}
    links = sorted(LegacyLink.objects.values_list("kind", "wp_id", "object_id", "old_path"))
    return ids, links


def exported(data):
    return list(wxr.read(io.BytesIO(data)))


def test_importing_the_export_again_adds_no_rows_and_keeps_every_id():
    run_import(original())
    (objects, links) = rows()
    report = run_import(export())
    assert not any(row["created"] for row in report.counts.values())
    assert rows()[0] == objects
    # The WordPress IDs and old addresses stay; a tag the original export named only on a
    # post (no <wp:tag>, so no ID) is keyed by the ID the export gave it.
    [(kind, _wp_id, object_id, _path)] = set(rows()[1]) - set(links)
    assert (kind, object_id) == ("tag", Tag.objects.get(slug="john-kerry").pk)
    assert set(links) <= set(rows()[1])


def test_a_second_round_trip_changes_nothing():
    run_import(original())
    run_import(export())
    before = rows()
    run_import(export())
    assert rows() == before


def test_export_keeps_tags_no_post_uses():
    run_import(original())
    Tag.objects.create(name="Made here", slug="made-here")
    tags = {o.slug for o in exported(export()) if isinstance(o, wxr.Term) and o.kind == "tag"}
    assert {"unused", "made-here", "isis", "john-kerry"} <= tags


def test_export_writes_the_ids_objects_had_on_wordpress():
    run_import(original())
    objects = exported(export())
    items = {o.slug: o for o in objects if isinstance(o, wxr.Item)}
    terms = {o.slug: o.wp_id for o in objects if isinstance(o, wxr.Term)}
    assert (items["why-iran"].wp_id, items["about"].wp_id, items["team"].parent_id) == (1, 8, 8)
    assert (terms["nuclear"], terms["unused"]) == (11, 77)
    comments = {c.wp_id: c.parent_id for c in items["why-iran"].comments}
    assert comments[105] == 104 and 202 in comments


def test_post_made_here_gets_an_id_clear_of_the_old_ones():
    run_import(original())
    make_post("Written here", slug="here")
    items = [o for o in exported(export()) if isinstance(o, wxr.Item)]
    here = next(item for item in items if item.slug == "here")
    assert here.wp_id not in {item.wp_id for item in items if item is not here}


def test_exported_body_comes_back_the_same_and_keeps_its_dynamic_blocks():
    body = '<p>Line one\nstill one</p><div data-dynamic-block="core/archives" data-block-attrs="{&quot;label&quot;:&quot;a--&gt;b&quot;}"></div><p>After</p>'  # fmt: skip
    post = make_post("Blocks", body=body)
    data = export()
    assert b'<!-- wp:archives {"label":"a\\u002d\\u002d\\u003eb"} /-->' in data
    [item] = [o for o in exported(data) if isinstance(o, wxr.Item)]
    assert item.content.startswith("<!-- wp:html -->\n<p>Line one\nstill one</p>")
    LegacyLink.objects.create(kind="post", wp_id=item.wp_id, object_id=post.pk)
    run_import(data)
    assert re.sub(r">\n+<", "><", Post.objects.get().body) == body  # blocks sit on lines


def test_dynamic_block_this_blog_does_not_draw_goes_back_out_in_the_export(client):
    run_import(samples.export(samples.item(1, "Month", slug="month", body="<!-- wp:calendar /-->")))
    html = client.get(Post.objects.get().get_absolute_url()).content.decode()
    assert "data-dynamic-block" not in html
    assert b"<!-- wp:calendar /-->" in export()
