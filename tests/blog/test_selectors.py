import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog import selectors
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db


def test_post_for_page_brings_its_terms_without_a_query():
    world = make_category("World")
    post = make_post(categories=[world], tags=["Iran", "Iraq"])
    found = selectors.post_for_page(post.slug)
    with CaptureQueriesContext(connection) as queries:
        names = [tag.name for tag in found.tags.all()], [c.name for c in found.categories.all()]
    assert len(queries) == 0
    assert names == (["Iran", "Iraq"], ["World"])


def test_post_for_page_terms_filtered_further_are_still_the_posts():
    post = make_post(categories=[make_category("World")], tags=["Iran", "Iraq"])
    make_post(categories=[make_category("Wars")], tags=["Iceland"])
    found = selectors.post_for_page(post.slug)
    assert [tag.name for tag in found.tags.filter(name__startswith="I")] == ["Iran", "Iraq"]
    assert [c.name for c in found.categories.filter(name__startswith="W")] == ["World"]
