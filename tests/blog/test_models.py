from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from blog.models import Category, Post
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db


def test_post_slug_is_made_from_title():
    post = make_post("Why Iran Was Not Invited to the Anti ISIS Club")
    assert post.slug == "why-iran-was-not-invited-to-the-anti-isis-club"


def test_post_slug_given_by_editor_is_kept():
    post = make_post("A long headline", slug="short")
    assert post.slug == "short"


def test_post_with_colliding_title_gets_a_unique_slug():
    slugs = [make_post("Week in review").slug for _ in range(3)]
    assert slugs == ["week-in-review", "week-in-review-2", "week-in-review-3"]


def test_post_with_colliding_unicode_title_gets_a_unique_slug():
    first = make_post("ایران و آژانس")
    second = make_post("ایران و آژانس")
    assert first.slug == "ایران-و-آژانس"
    assert second.slug == "ایران-و-آژانس-2"


def test_post_with_unicode_slug_is_served_at_its_url(client):
    post = make_post("Téhéran: ایران")
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Téhéran: ایران" in response.content.decode()


def test_post_title_of_punctuation_only_still_gets_a_slug():
    post = make_post("?!")
    assert post.slug == "item"


def test_post_slug_stays_when_title_changes():
    post = make_post("First headline")
    post.title = "Corrected headline"
    post.save()
    assert post.slug == "first-headline"


@pytest.mark.parametrize(
    ("hostile", "gone"),
    [
        ("<p>Hi</p><script>alert(1)</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ("<style>body{display:none}</style><p>Hi</p>", "<style"),
        ('<p style="position:fixed">Hi</p>', "style="),
        ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
        ('<a href="JaVaScRiPt:alert(1)">click</a>', "alert"),
    ],
)
def test_post_body_with_hostile_html_is_made_inert(hostile, gone):
    post = make_post(body=hostile)
    post.refresh_from_db()
    assert gone not in post.body.lower()


def test_post_body_keeps_editor_markup():
    body = (
        '<h2>Heading</h2><p><strong>Bold</strong> and <a href="https://example.com/">a link</a>'
        '</p><figure><img src="/media/a.jpg" alt="A"><figcaption>Caption</figcaption></figure>'
    )
    post = make_post(body=body)
    for kept in ("<h2>", "<strong>", 'href="https://example.com/"', "<figcaption>Caption"):
        assert kept in post.body


def test_post_excerpt_is_derived_from_body_when_empty():
    post = make_post(body="<p>The <em>first</em> words &amp; more.</p>", excerpt="")
    assert post.summary() == "The first words & more."


def test_post_excerpt_keeps_paragraphs_apart_and_leaves_captions_out():
    body = (
        "<p>Floods along the rivers.</p><figure><img src='/m/a.jpg' alt='A bridge'>"
        "<figcaption>Photo: Reuters</figcaption></figure><p>The talks resumed.</p>"
    )
    post = make_post(body=body, excerpt="")
    assert post.summary() == "Floods along the rivers. The talks resumed."


def test_post_search_text_keeps_paragraphs_apart():
    post = make_post(body="<p>Along the rivers.</p><p>The talks</p>")
    assert post.body_text == "Along the rivers. The talks"


def test_post_excerpt_is_cut_to_55_words():
    post = make_post(body="<p>" + " ".join(f"w{i}" for i in range(80)) + "</p>")
    assert post.summary().split()[-2:] == ["w54", "…"]


def test_post_excerpt_written_by_editor_wins_over_body():
    post = make_post(body="<p>Body text.</p>", excerpt="Hand-written summary.")
    assert post.summary() == "Hand-written summary."


def test_post_published_with_future_time_becomes_scheduled():
    post = make_post(published_at=timezone.now() + timedelta(hours=3))
    assert post.status == Post.Status.SCHEDULED
    assert not post.is_public


def test_post_scheduled_with_past_time_becomes_published():
    post = make_post(status=Post.Status.SCHEDULED, days_ago=1)
    assert post.status == Post.Status.PUBLISHED
    assert post.is_public


def test_post_draft_with_future_time_stays_draft():
    post = make_post(status=Post.Status.DRAFT, published_at=timezone.now() + timedelta(days=1))
    assert post.status == Post.Status.DRAFT


def test_published_queryset_shows_scheduled_post_once_its_time_has_come():
    post = make_post(published_at=timezone.now() + timedelta(hours=1))
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert list(Post.objects.published()) == [post]


def test_category_path_follows_the_tree():
    grandchild = make_category(
        "Talks", parent=make_category("Nuclear", parent=make_category("Iran"))
    )
    assert grandchild.path == "iran/nuclear/talks"
    assert grandchild.get_absolute_url() == "/category/iran/nuclear/talks/"


def test_category_descendants_include_self_children_and_grandchildren_only():
    iran = make_category("Iran")
    nuclear = make_category("Nuclear", parent=iran)
    talks = make_category("Talks", parent=nuclear)
    make_category("Iranian cuisine")  # shares the prefix "iran" but is not a child
    assert set(nuclear.descendants_and_self()) == {nuclear, talks}
    assert set(iran.descendants_and_self()) == {iran, nuclear, talks}


def test_category_slugs_are_unique_among_siblings_only():
    world, sport = make_category("World"), make_category("Sport")
    assert make_category("News", parent=world).path == "world/news"
    assert make_category("News", parent=sport).path == "sport/news"
    assert make_category("World").path == "world-2"


def test_category_new_slug_moves_children_and_grandchildren():
    parent = make_category("Iran")
    child = make_category("Nuclear", parent=parent)
    grandchild = make_category("Talks", parent=child)
    parent.slug = "islamic-republic"
    parent.save()
    child.refresh_from_db()
    grandchild.refresh_from_db()
    assert child.path == "islamic-republic/nuclear"
    assert grandchild.path == "islamic-republic/nuclear/talks"


def test_category_moved_under_another_parent_moves_its_children():
    child = make_category("Nuclear", parent=make_category("Iran"))
    grandchild = make_category("Talks", parent=child)
    child.parent = make_category("World")
    child.save()
    grandchild.refresh_from_db()
    assert grandchild.path == "world/nuclear/talks"


def test_category_under_its_own_descendant_is_rejected():
    parent = make_category("Iran")
    child = make_category("Nuclear", parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError, match="inside itself"):
        parent.full_clean()


def test_category_slug_taken_by_a_sibling_is_rejected():
    make_category("Iran", slug="iran")
    other = Category(name="Iran again", slug="iran")
    with pytest.raises(ValidationError, match="already has this slug"):
        other.full_clean()
