"""Small helpers that make the rows tests need, with sensible defaults."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from blog.models import AuthorProfile, Category, Page, Post

_seq = itertools.count(1)


def make_user(username=None, *, group=None, bio="", **fields):
    username = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password="pw-123-secret", **fields
    )
    if group:
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))
    AuthorProfile.objects.create(user=user, display_name=username.title(), bio=bio)
    return user


def make_category(name=None, parent=None, **fields):
    return Category.objects.create(name=name or f"Category {next(_seq)}", parent=parent, **fields)


def make_post(title=None, *, author=None, categories=(), tags=(), days_ago=1, **fields):
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("body", "<p>Some words about the news of the day.</p>")
    fields.setdefault("published_at", timezone.now() - timedelta(days=days_ago))
    post = Post.objects.create(
        title=title or f"Post number {next(_seq)}", author=author or make_user(), **fields
    )
    if categories:
        post.categories.set(categories)
    if tags:
        post.tags.set(tags)
    return post


def make_page(title=None, *, author=None, parent=None, **fields):
    fields.setdefault("status", Page.Status.PUBLISHED)
    fields.setdefault("body", "<p>What this blog is about.</p>")
    fields.setdefault("published_at", timezone.now() - timedelta(days=1))
    title = title or f"Page number {next(_seq)}"
    return Page.objects.create(title=title, author=author or make_user(), parent=parent, **fields)


def main_content(response):
    """The page's <main> element only, without the sidebar's lists of posts."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]
