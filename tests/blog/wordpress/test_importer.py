"""Values longer than their columns (or that a column cannot take) in a WordPress export:
the import keeps going, and its report says what did not fit."""

import io

import django_comments
import pytest
from django.contrib.auth import get_user_model
from taggit.models import Tag

from blog.models import Category, LegacyLink, Page, Post
from blog.wordpress import services as wordpress_services
from tests.blog.wordpress import wxr_samples as samples

pytestmark = pytest.mark.django_db

ADDRESS_261 = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 63, "eeee"])


def run_import(*parts):
    return wordpress_services.wordpress_import(source=io.BytesIO(samples.export(*parts)))


def author(login, email):
    return (f"<wp:author><wp:author_id>7</wp:author_id><wp:author_login><![CDATA[{login}]]>"
            f"</wp:author_login><wp:author_email><![CDATA[{email}]]></wp:author_email></wp:author>")  # fmt: skip


def category(term_id, slug, parent=""):
    return (f"<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename><![CDATA[{slug}]]>"
            f"</wp:category_nicename><wp:category_parent><![CDATA[{parent}]]></wp:category_parent>"
            f"<wp:cat_name><![CDATA[Level {term_id}]]></wp:cat_name></wp:category>")  # fmt: skip


def test_post_with_a_400_character_title_is_imported_with_a_report_line():
    report = run_import(samples.item(1, "T" * 400, slug="long"))
    assert Post.objects.get().title == "T" * 300
    assert "1 × post title longer than 300 characters: cut to fit" in report.problems


def test_post_with_a_203_character_tag_is_imported_with_a_report_line():
    report = run_import(samples.item(1, "Tagged", tags=[("long", "x" * 203)]))
    assert [tag.name for tag in Post.objects.get().tags.all()] == ["x" * 100]
    assert "1 × tag name longer than 100 characters: cut to fit" in report.problems


def test_tag_whose_address_outgrows_its_name_is_imported():
    run_import(samples.item(1, "Radio", tags=[("mhz", "㎒" * 100)]))
    assert len(Tag.objects.get(name="㎒" * 100).slug) <= 100


def test_comment_with_a_261_character_email_is_imported_without_it():
    comment = samples.comment(300, author="Ada").replace("ada@example.com", ADDRESS_261)
    report = run_import(samples.item(1, "Discussed", comments=[comment]))
    [imported] = django_comments.get_model().objects.all()
    assert (imported.user_name, imported.user_email) == ("Ada", "")
    assert "1 × commenter email longer than 254 characters: left out" in report.problems


def test_comment_with_a_long_name_website_and_no_ip_is_imported():
    comment = samples.comment(300, author="N" * 80, url="http://x.example/" + "p" * 300)
    comment = comment.replace("203.0.113.9", "unknown")
    report = run_import(samples.item(1, "Discussed", comments=[comment]))
    [imported] = django_comments.get_model().objects.all()
    assert (imported.user_name, imported.user_url, imported.ip_address) == ("N" * 50, "", None)
    assert "1 × commenter IP: not an IP address, left out" in report.problems
    assert "1 × commenter website longer than 200 characters: left out" in report.problems


def test_author_with_a_261_character_email_and_a_long_login_is_imported():
    report = run_import(author("w" * 600, ADDRESS_261), samples.item(1, "By", creator="w" * 600))
    user = get_user_model().objects.get(username="w" * 150)
    assert user.email == ""
    assert "1 × author email longer than 254 characters: left out" in report.problems
    assert "1 × old address (no redirect from it) longer than 500 characters: left out" in (
        report.problems
    )


def test_post_whose_old_address_is_over_500_characters_is_imported_without_a_redirect():
    link = "http://oldblog.example/" + "%d8%a7" * 100 + "/"
    report = run_import(samples.item(1, "Persian", slug="persian", link=link))
    assert Post.objects.get().title == "Persian"
    assert LegacyLink.objects.get(kind="post").old_path == ""
    assert any("old address" in line for line in report.problems)


def test_category_tree_deeper_than_1000_characters_imports_the_deepest_at_the_top():
    slugs = [str(level) * 200 for level in range(6)]
    terms = [category(30 + n, slug, slugs[n - 1] if n else "") for n, slug in enumerate(slugs)]
    report = run_import(*terms)
    paths = dict(Category.objects.values_list("slug", "path"))
    assert paths[slugs[3]].count("/") == 3 and paths[slugs[4]] == slugs[4]
    assert all(len(path) <= 1000 for path in paths.values())
    assert "Category “Level 34”: its address under its parent would be longer than 1000" in (
        " ".join(report.problems)
    )


def test_page_tree_deeper_than_1000_characters_imports_the_deepest_at_the_top():
    slugs = [str(level) * 200 for level in range(6)]  # page slugs are cut to 192: 6 levels
    pages = [
        samples.page(50 + n, f"Page {n}", "/".join(slugs[: n + 1]), parent=49 + n if n else 0)
        for n in range(6)
    ]
    report = run_import(*pages)
    assert Page.objects.get(title="Page 5").path == "5" * 192
    assert Page.objects.get(title="Page 4").path.count("/") == 4
    assert any("Page “Page 5” (ID 55)" in line and "1000" in line for line in report.problems)


def test_post_category_whose_nicename_is_not_a_slug_gets_one():
    run_import(samples.item(1, "Filed", categories=[("world/middle east", "Middle East")]))
    assert Category.objects.get(name="Middle East").path == "worldmiddle-east"
