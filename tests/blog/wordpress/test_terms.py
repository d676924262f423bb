"""Tags and categories are matched by slug (nicename), as WordPress matches terms."""

import io

import pytest
from taggit.models import Tag

from blog.models import Category, Post
from blog.wordpress import services as wordpress_services
from tests.blog.wordpress import wxr_samples as samples

pytestmark = pytest.mark.django_db


def tag(term_id, slug, name):
    return (f"<wp:tag><wp:term_id>{term_id}</wp:term_id><wp:tag_slug><![CDATA[{slug}]]></wp:tag_slug>"
            f"<wp:tag_name><![CDATA[{name}]]></wp:tag_name></wp:tag>")  # fmt: skip


def category(term_id, slug, name, parent=""):
    return (f"<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename><![CDATA[{slug}]]>"
            f"</wp:category_nicename><wp:category_parent><![CDATA[{parent}]]></wp:category_parent>"
            f"<wp:cat_name><![CDATA[{name}]]></wp:cat_name></wp:category>")  # fmt: skip


def run_import(*parts):
    return wordpress_services.wordpress_import(source=io.BytesIO(samples.export(*parts)))


def post_tags(slug):
    return sorted((t.slug, t.name) for t in Post.objects.get(slug=slug).tags.all())


def test_two_tags_with_one_name_and_two_slugs_stay_two():
    report = run_import(
        tag(30, "apple", "Apple"),
        tag(31, "apple-2", "Apple"),
        samples.item(1, "Fruit", slug="fruit", tags=[("apple", "Apple")]),
        samples.item(2, "Phones", slug="phones", tags=[("apple-2", "Apple")]),
        samples.item(3, "Both", slug="both", tags=[("apple", "Apple"), ("apple-2", "Apple")]),
    )
    assert post_tags("fruit") == [("apple", "Apple")]
    assert post_tags("phones") == [("apple-2", "Apple (apple-2)")]
    assert len(post_tags("both")) == 2
    assert (
        "Tag “Apple” (apple-2) has the name of another tag here; imported as “Apple (apple-2)”"
        in report.problems
    )


def test_tags_whose_names_differ_in_case_only_are_not_merged():
    run_import(
        samples.item(1, "Group", slug="group", tags=[("isis", "ISIS")]),
        samples.item(2, "Goddess", slug="goddess", tags=[("isis-goddess", "Isis")]),
    )
    assert post_tags("group") == [("isis", "ISIS")]
    assert post_tags("goddess") == [("isis-goddess", "Isis")]


def test_tag_renamed_here_is_matched_by_slug_on_a_second_import():
    parts = (tag(30, "oil", "Oil"), samples.item(1, "Crude", slug="crude", tags=[("oil", "Oil")]))
    run_import(*parts)
    tags = Tag.objects.count()
    Tag.objects.filter(slug="oil").update(name="Oil prices")
    run_import(*parts)
    assert post_tags("crude") == [("oil", "Oil prices")]
    assert Tag.objects.count() == tags


def test_categories_with_one_name_are_told_apart_by_slug():
    run_import(
        category(40, "news", "News"),
        category(41, "sport", "Sport"),
        category(42, "sport-news", "News", parent="sport"),
        samples.item(1, "Match report", slug="match", categories=[("sport-news", "News")]),
        samples.item(2, "Headlines", slug="headlines", categories=[("news", "News")]),
    )
    assert [c.path for c in Post.objects.get(slug="match").categories.all()] == ["sport/sport-news"]
    assert [c.path for c in Post.objects.get(slug="headlines").categories.all()] == ["news"]
    assert Category.objects.filter(name="News").count() == 2
