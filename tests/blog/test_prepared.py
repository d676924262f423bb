from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Post
from blog.prepared import PreparedCount, PreparedQuery, stand_in
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


def by_slug(slug):
    return Post.objects.select_related("author").filter(slug=slug)


def test_prepared_query_gives_what_its_queryset_gives_for_each_value():
    first, second = make_post("First"), make_post("Second", author=make_user("other"))
    prepared = PreparedQuery(by_slug, stand_in(str))
    assert prepared(first.slug) == [first]
    found = prepared(second.slug)
    assert found == [second]
    with CaptureQueriesContext(connection) as queries:
        assert found[0].author.username == "other"  # joined, as the queryset's
    assert len(queries) == 0
    assert prepared("no-such-post") == []


def test_prepared_query_takes_a_value_used_twice_and_values_rows():
    post = make_post("Dated")

    def around(moment):
        return Post.objects.filter(published_at__lte=moment, published_at__gte=moment).values_list(
            "slug", flat=True
        )

    prepared = PreparedQuery(around, stand_in(datetime))
    assert prepared(post.published_at) == [post.slug]


def test_prepared_query_refuses_a_value_that_is_no_parameter():
    prepared = PreparedQuery(lambda slug: Post.objects.all(), stand_in(str))
    with pytest.raises(ValueError):
        prepared("any")


def test_prepared_count_gives_the_querysets_count_for_each_value():
    first = make_post("First")
    make_post("Second")

    def before(moment):
        return Post.objects.filter(published_at__lte=moment)

    prepared = PreparedCount(before, stand_in(datetime))
    assert prepared(first.published_at) == before(first.published_at).count()
    with CaptureQueriesContext(connection) as queries:
        assert prepared(timezone.now()) == 2
    assert len(queries) == 1
    assert prepared(datetime(1990, 1, 1, tzinfo=UTC)) == 0


def test_prepared_count_refuses_a_value_that_is_no_parameter():
    prepared = PreparedCount(lambda slug: Post.objects.all(), stand_in(str))
    with pytest.raises(ValueError):
        prepared("any")


def statements_kept(fragment):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]


def test_prepared_query_runs_a_statement_postgresql_keeps_prepared():
    """Parsed and planned once per connection: PostgreSQL lists it among the connection's
    prepared statements, and the later calls still give each value's rows."""
    posts = [make_post(f"Kept {n}") for n in range(3)]

    def kept_by_slug(slug):
        return Post.objects.filter(slug=slug, title__startswith="Kept")

    prepared = PreparedQuery(kept_by_slug, stand_in(str))
    assert [prepared(post.slug) for post in posts] == [[post] for post in posts]
    assert statements_kept('"blog_post"."title"::text LIKE') == 1
    assert prepared("no-such-post") == []


def test_prepared_rows_leave_out_the_columns_added_for_ordering():
    """DISTINCT with an ORDER BY on a column not asked for makes Django select that column
    too (an extra select); the caller gets the columns it asked for, as from the queryset."""
    older, newer = make_post("Older"), make_post("Newer")
    Post.objects.filter(pk=older.pk).update(published_at=datetime(2020, 1, 1, tzinfo=UTC))

    def slugs_before(moment):
        return (
            Post.objects.filter(published_at__lte=moment)
            .values_list("slug", flat=True)
            .distinct()
            .order_by("-published_at")
        )

    prepared = PreparedQuery(slugs_before, stand_in(datetime))
    now = timezone.now()
    assert prepared(now) == list(slugs_before(now)) == [newer.slug, older.slug]


def test_prepared_query_in_a_failed_transaction_raises_as_the_orm_does():
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    post = make_post("Doomed")
    prepared = PreparedQuery(by_slug, stand_in(str))
    with transaction.atomic():
        transaction.set_rollback(True)  # as after an error inside the block
        with pytest.raises(TransactionManagementError):
            list(by_slug(post.slug))
        with pytest.raises(TransactionManagementError):
            prepared(post.slug)
