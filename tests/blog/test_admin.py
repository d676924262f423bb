import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Category, Post, SiteSettings
from tests.factories import make_category, make_post, make_user

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/blog/post/add/"
LIST_URL = "/admin/blog/post/"
SUGGEST_URL = "/admin/blog/post/tag-suggestions/"


def change_url(post):
    return f"/admin/blog/post/{post.pk}/change/"


@pytest.fixture
def editor(client):
    user = make_user("editor", group="Editor")
    client.force_login(user)
    return user


@pytest.fixture
def author(client):
    user = make_user("author", group="Author")
    client.force_login(user)
    return user


def post_form(client, url, **fields):
    """What the post form sends when fields are filled in, plus any inline forms left empty."""
    page = client.get(url)
    assert page.status_code == 200
    now = timezone.localtime()
    data = {
        "title": "", "slug": "", "body": "", "excerpt": "", "status": "draft",
        "published_at_0": now.strftime("%Y-%m-%d"), "published_at_1": now.strftime("%H:%M:%S"),
        "tags": "", "comments_open": "on", "pings_open": "on", "_save": "Save",
    }  # fmt: skip
    if "author" in page.context["adminform"].form.fields:
        data["author"] = page.context["adminform"].form.initial.get("author", "")
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
    return client.post(url, {**data, **fields})


def act(client, action, posts, **extra):
    data = {"action": action, "_selected_action": [post.pk for post in posts], **extra}
    return client.post(LIST_URL, data, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# Writing posts


def test_editor_adds_a_post_through_the_add_form(client, editor):
    world = make_category("World")
    response = post_form(
        client, ADD_URL, title="Kerry in Cairo", body="<p>The <strong>talks</strong> began.</p>",
        status="published", categories=[world.pk], tags="Iran, John Kerry",
    )  # fmt: skip
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.slug, post.author, post.status) == ("kerry-in-cairo", editor, "published")
    assert post.body == "<p>The <strong>talks</strong> began.</p>"
    assert sorted(tag.name for tag in post.tags.all()) == ["Iran", "John Kerry"]
    assert list(post.categories.all()) == [world]
    assert client.get(post.get_absolute_url()).status_code == 200


def test_add_form_saves_a_hostile_body_inert(client, editor):
    hostile = '<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:x()">a</a>'
    post_form(client, ADD_URL, title="Hostile", body=hostile)
    body = Post.objects.get().body
    assert "<script" not in body and "onclick" not in body and "javascript:" not in body
    assert "Hi" in body


def test_add_form_publish_queues_the_announcement_for_the_publish_time(
    client, editor, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_form(client, ADD_URL, title="Live now", status="published")
    post = Post.objects.get()
    jobs = [
        job for job in task_queue.connector.jobs.values() if "announce_post" in job["task_name"]
    ]
    assert [(job["args"], job["scheduled_at"]) for job in jobs] == [
        ({"post_id": post.pk}, post.published_at)
    ]


def test_add_form_with_a_taken_slug_explains_and_saves_nothing(client, editor):
    make_post("Original", slug="kerry-in-cairo")
    response = post_form(client, ADD_URL, title="Copy", slug="kerry-in-cairo")
    assert response.status_code == 200
    assert "Another post already has this address." in response.content.decode()
    assert Post.objects.count() == 1


def test_add_form_without_a_title_explains_and_saves_nothing(client, editor):
    response = post_form(client, ADD_URL, title="", body="<p>Text</p>")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert not Post.objects.exists()


def test_change_form_shows_the_tags_as_text(client, editor):
    post = make_post("Tagged", tags=["Iran", "John Kerry"])
    page = client.get(change_url(post)).content.decode()
    assert 'value="&quot;John Kerry&quot;, Iran"' in page


def test_change_form_saved_unchanged_keeps_the_tags(client, editor):
    post = make_post("Tagged", tags=["Iran", "John Kerry"], status=Post.Status.DRAFT)
    post_form(client, change_url(post), title="Tagged", slug="tagged", tags='Iran, "John Kerry"')
    assert sorted(tag.name for tag in post.tags.all()) == ["Iran", "John Kerry"]


def test_post_form_loads_the_tag_autocomplete(client, editor):
    page = client.get(ADD_URL).content.decode()
    assert "blog/admin/tag-autocomplete.js" in page
    assert f'data-suggest-url="{SUGGEST_URL}"' in page
    assert finders.find("blog/admin/tag-autocomplete.js")


def test_post_form_uses_the_rich_text_editor(client, editor):
    page = client.get(ADD_URL).content.decode()
    assert "django_prose_editor" in page


def test_post_list_runs_a_fixed_number_of_queries(client, editor):
    make_post("One", categories=[make_category()], author=editor)
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for i in range(10):
        make_post(f"Post {i}", categories=[make_category(), make_category()])
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(many) == len(few)


def test_post_list_shows_status_author_and_categories(client, editor):
    make_post("Listed", author=make_user("leila"), categories=[make_category("World")])
    page = client.get(LIST_URL).content.decode()
    assert "Listed" in page and "Published" in page and "Leila" in page and "World" in page


# Bulk actions


def test_publish_action_makes_drafts_live(client, editor):
    drafts = [make_post(f"Draft {i}", status=Post.Status.DRAFT) for i in range(2)]
    response = act(client, "publish", drafts)
    assert messages_of(response) == ["2 posts published."]
    assert Post.objects.published().count() == 2


def test_unpublish_action_takes_posts_back_to_draft(client, editor):
    live = [make_post(f"Live {i}") for i in range(2)]
    response = act(client, "unpublish", live)
    assert messages_of(response) == ["2 posts unpublished."]
    assert not Post.objects.published().exists()
    assert client.get(live[0].get_absolute_url()).status_code == 200  # editors still preview


def test_set_category_action_files_posts_under_the_chosen_category(client, editor):
    posts = [make_post(f"Post {i}", categories=[make_category("Old")]) for i in range(2)]
    sport = make_category("Sport")
    response = act(client, "set_category", posts, category=sport.pk)
    assert messages_of(response) == ["2 posts filed under Sport."]
    assert all(sport in post.categories.all() for post in posts)


@pytest.mark.parametrize("choice", ["", "abc", "999999"])
def test_set_category_action_without_a_valid_category_explains_and_changes_nothing(
    client, editor, choice
):
    post = make_post("Post")
    response = act(client, "set_category", [post], category=choice)
    assert response.status_code == 200
    assert messages_of(response) == ["Choose a category first."]
    assert not post.categories.exists()


# Categories


def test_category_list_shows_the_tree(client, editor):
    iran = make_category("Iran")
    make_category("Talks", parent=make_category("Nuclear", parent=iran))
    make_category("Economy")
    page = client.get("/admin/blog/category/").content.decode()
    order = [page.index(name) for name in [">Economy<", ">Iran<", "└ Nuclear", "└ Talks"]]
    assert order == sorted(order)
    assert 'tree-depth-2">└ Talks' in page


def test_category_moved_inside_its_own_child_explains_and_changes_nothing(client, editor):
    iran = make_category("Iran")
    nuclear = make_category("Nuclear", parent=iran)
    response = client.post(f"/admin/blog/category/{iran.pk}/change/",
                           {"name": "Iran", "slug": "iran", "parent": nuclear.pk})  # fmt: skip
    assert response.status_code == 200
    assert "cannot be filed inside itself" in response.content.decode()
    iran.refresh_from_db()
    assert iran.parent is None


def test_category_with_a_sibling_slug_explains_and_saves_nothing(client, editor):
    make_category("Iran")
    response = client.post("/admin/blog/category/add/", {"name": "Iran 2", "slug": "iran"})
    assert response.status_code == 200
    assert Category.objects.count() == 1


# Site settings


def test_site_settings_list_opens_the_one_row(client, editor):
    response = client.get("/admin/blog/sitesettings/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/blog/sitesettings/1/change/"


def test_site_settings_cannot_get_a_second_row_or_be_deleted(client, editor):
    SiteSettings.load()
    assert client.get("/admin/blog/sitesettings/add/").status_code == 403
    assert client.post("/admin/blog/sitesettings/1/delete/", {"post": "yes"}).status_code == 403
    assert SiteSettings.objects.count() == 1


def test_site_settings_change_shows_on_the_site(client, editor):
    SiteSettings.load()
    response = client.post("/admin/blog/sitesettings/1/change/", {
        "title": "Iran News Watch", "tagline": "Followed closely", "posts_per_page": 5,
        "sidebar_widgets": SiteSettings._meta.get_field("sidebar_widgets").default,
        "visitor_count_start": 0, "social_profiles-TOTAL_FORMS": 0,
        "social_profiles-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert response.status_code == 302
    assert "Iran News Watch" in client.get("/").content.decode()


# View on site and preview


def test_view_on_site_of_a_draft_opens_the_staff_preview(client, editor):
    draft = make_post("Unfinished", status=Post.Status.DRAFT)
    page = client.get(change_url(draft)).content.decode()
    assert f'href="{draft.get_absolute_url()}" class="viewsitelink"' in page
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview: this post is draft" in preview.content.decode()


# Roles


def test_roles_exist_with_editors_editing_everyone_and_authors_only_their_own():
    editor_perms = set(
        Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
    )
    author_perms = set(
        Group.objects.get(name="Author").permissions.values_list("codename", flat=True)
    )
    assert {"edit_others_posts", "change_category", "change_sitesettings"} <= editor_perms
    assert {"add_post", "change_post"} <= author_perms
    assert not {"edit_others_posts", "change_category", "change_sitesettings"} & author_perms


def test_author_list_shows_only_their_own_posts(client, author):
    make_post("Mine", author=author)
    make_post("Someone else's")
    titles = [post.title for post in client.get(LIST_URL).context["cl"].result_list]
    assert titles == ["Mine"]


def test_author_cannot_open_someone_elses_post(client, author):
    other = make_post("Someone else's")
    response = client.get(change_url(other))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_author_cannot_change_someone_elses_post(client, author):
    other = make_post("Someone else's", status=Post.Status.DRAFT)
    client.post(change_url(other), {"title": "Hijacked", "status": "published"})
    other.refresh_from_db()
    assert (other.title, other.status) == ("Someone else's", "draft")


def test_author_cannot_publish_someone_elses_post_with_an_action(client, author):
    other = make_post("Someone else's", status=Post.Status.DRAFT)
    act(client, "publish", [other])
    other.refresh_from_db()
    assert other.status == Post.Status.DRAFT


def test_author_cannot_delete_someone_elses_post(client, author):
    other = make_post("Someone else's")
    client.post(f"/admin/blog/post/{other.pk}/delete/", {"post": "yes"})
    act(client, "delete_selected", [other], post="yes")
    assert Post.objects.filter(pk=other.pk).exists()


def test_author_writes_and_publishes_their_own_post(client, author):
    someone = make_user("someone")
    response = post_form(client, ADD_URL, title="My story", status="published", author=someone.pk)
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.author == author
    assert post.is_public


def test_author_edits_their_own_post(client, author):
    mine = make_post("Mine", author=author, status=Post.Status.DRAFT)
    post_form(client, change_url(mine), title="Mine, revised", slug="mine")
    mine.refresh_from_db()
    assert mine.title == "Mine, revised"


def test_author_previews_their_own_draft_but_not_someone_elses(client, author):
    mine = make_post("My draft", author=author, status=Post.Status.DRAFT)
    other = make_post("Their draft", status=Post.Status.DRAFT)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404


def test_author_cannot_change_categories_or_site_settings(client, author):
    assert client.get("/admin/blog/category/add/").status_code == 403
    assert client.get("/admin/blog/sitesettings/1/change/").status_code == 403


def test_editor_edits_someone_elses_post(client, editor):
    other = make_post("Someone else's", author=make_user("leila"), status=Post.Status.DRAFT)
    post_form(
        client, change_url(other), title="Edited by the desk", slug="x", author=other.author_id
    )
    other.refresh_from_db()
    assert other.title == "Edited by the desk"
    assert other.author.username == "leila"


# Tag suggestions


def test_tag_suggestions_list_matching_tags_starting_ones_first(client, editor):
    make_post("Tagged", tags=["Iran", "Iraq", "Hezbollah", "Kashmir", "Syria"])
    response = client.get(SUGGEST_URL, {"q": "ir"})
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"tags": ["Iran", "Iraq", "Kashmir"]}


def test_tag_suggestions_match_whatever_the_case(client, editor):
    make_post("Tagged", tags=["Hezbollah"])
    assert client.get(SUGGEST_URL, {"q": "HEZ"}).json() == {"tags": ["Hezbollah"]}


def test_tag_suggestions_for_an_empty_term_are_empty(client, editor):
    make_post("Tagged", tags=["Iran"])
    assert client.get(SUGGEST_URL, {"q": " "}).json() == {"tags": []}


def test_tag_suggestions_are_at_most_ten(client, editor):
    make_post("Tagged", tags=[f"Iran {i}" for i in range(15)])
    assert len(client.get(SUGGEST_URL, {"q": "iran"}).json()["tags"]) == 10


def test_tag_suggestions_are_for_authors_too(client, author):
    make_post("Tagged", tags=["Iran"])
    assert client.get(SUGGEST_URL, {"q": "ir"}).json() == {"tags": ["Iran"]}


def test_tag_suggestions_are_not_for_readers(client):
    make_post("Tagged", tags=["Iran"])
    response = client.get(SUGGEST_URL, {"q": "ir"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_tag_suggestions_are_not_for_staff_who_cannot_write_posts(client):
    client.force_login(make_user("intern", is_staff=True))
    assert client.get(SUGGEST_URL, {"q": "ir"}).status_code == 403


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/blog/follower/?q=a", "/admin/followers/follower/?q=a"),
        ("/admin/blog/image/3/change/", "/admin/media/image/3/change/"),
        ("/admin/blog/statsdashboard/", "/admin/stats/statsdashboard/"),
        ("/admin/blog/importrun/add/", "/admin/wordpress/importrun/add/"),
        ("/admin/comments/outgoingping/", "/admin/mentions/outgoingping/"),
    ],
)
def test_admin_pages_of_moved_models_redirect_from_their_old_address(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_author_cannot_make_their_new_post_sticky(client, author):
    post_form(client, ADD_URL, title="Pin me", status="published", sticky="on")
    assert Post.objects.get().sticky is False


def test_author_cannot_make_their_own_post_sticky(client, author):
    mine = make_post("Mine", author=author)
    post_form(client, change_url(mine), title="Mine", slug="mine", sticky="on")
    mine.refresh_from_db()
    assert mine.sticky is False


def test_editor_makes_a_post_sticky(client, editor):
    post = make_post("Big news")
    post_form(client, change_url(post), title="Big news", slug="big-news", sticky="on",
              author=post.author_id)  # fmt: skip
    post.refresh_from_db()
    assert post.sticky is True


# Values longer than their columns


def test_add_form_with_a_203_character_tag_explains_and_keeps_what_was_typed(client, editor):
    tag = "Breaking " + "x" * 194
    response = post_form(client, ADD_URL, title="Kerry in Cairo", body="<p>Talks.</p>",
                         tags=f"Iran, {tag}")  # fmt: skip
    assert response.status_code == 200
    assert "A tag can have at most 100 characters; “Breaking xxx" in response.content.decode()
    assert "has 203." in response.content.decode()
    assert response.context["adminform"].form["title"].value() == "Kerry in Cairo"
    assert not Post.objects.exists()


def test_add_form_with_a_100_character_tag_saves_it(client, editor):
    post_form(client, ADD_URL, title="Long tag", tags="y" * 100)
    assert [tag.name for tag in Post.objects.get().tags.all()] == ["y" * 100]


def test_tag_whose_address_outgrows_the_name_is_saved_with_a_shorter_one(client, editor):
    post_form(client, ADD_URL, title="Radio", tags="㎒" * 100, status="published")  # "mhz" each
    tag = Post.objects.get().tags.get()
    assert (tag.name, len(tag.slug) <= 100) == ("㎒" * 100, True)
    assert client.get(f"/tag/{tag.slug}/").status_code == 200


def test_two_100_character_tags_with_one_address_both_save(client, editor):
    make_post("First", tags=["a" * 99 + "!"])
    post_form(client, ADD_URL, title="Second", tags="a" * 99 + "?")  # the same slug, and a clash
    slugs = {tag.slug for tag in Post.objects.get(title="Second").tags.all()}
    first = {tag.slug for tag in Post.objects.get(title="First").tags.all()}
    assert len(slugs | first) == 2 and all(len(slug) <= 100 for slug in slugs | first)


def deep_categories(levels=4, width=200):
    parent = None
    for level in range(levels):
        parent = make_category(f"Level {level}", parent=parent, slug=str(level) * width)
    return parent


def test_category_whose_address_passes_1000_characters_explains_and_saves_nothing(client, editor):
    deepest = deep_categories()
    response = client.post("/admin/blog/category/add/",
                           {"name": "Too deep", "slug": "z" * 200, "parent": deepest.pk})  # fmt: skip
    assert response.status_code == 200
    assert "The address would be 1004 characters long" in response.content.decode()
    assert Category.objects.count() == 4


def test_category_at_exactly_1000_characters_is_saved(client, editor):
    deepest = deep_categories()
    response = client.post("/admin/blog/category/add/",
                           {"name": "Just fits", "slug": "z" * 196, "parent": deepest.pk})  # fmt: skip
    assert response.status_code == 302
    assert len(Category.objects.get(name="Just fits").path) == 1000


def test_category_moved_so_its_children_would_pass_the_limit_changes_nothing(client, editor):
    deepest = deep_categories(levels=3)
    branch = make_category("Branch", slug="b" * 200)
    make_category("Leaf", parent=branch, slug="l" * 200)
    response = client.post(f"/admin/blog/category/{branch.pk}/change/",
                           {"name": "Branch", "slug": "b" * 200, "parent": deepest.pk})  # fmt: skip
    assert response.status_code == 200
    assert "The address would be 1004 characters long" in response.content.decode()
    branch.refresh_from_db()
    assert branch.parent is None


@pytest.mark.parametrize("field", ["title", "body", "excerpt", "tags", "slug"])
def test_add_form_with_a_nul_character_explains_and_saves_nothing(client, editor, field):
    fields = {"title": "Kerry in Cairo", field: "a\x00b"}
    response = post_form(client, ADD_URL, **fields)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert not Post.objects.exists()


def test_category_form_with_a_nul_character_explains_and_saves_nothing(client, editor):
    response = client.post("/admin/blog/category/add/", {"name": "a\x00b", "slug": ""})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert not Category.objects.exists()


# Names: the blog's and people's


def test_admin_is_titled_with_the_blogs_name(client, editor):
    site = SiteSettings.load()
    site.title = "Iran News Watch"
    site.save()
    html = client.get(LIST_URL).content.decode()
    assert '<a href="/admin/">Iran News Watch</a>' in html
    assert "| Iran News Watch</title>" in html
    assert "Django administration" not in html and "Django site admin" not in html


def test_admin_greets_the_editor_by_display_name(client):
    user = make_user("ada", group="Editor")
    user.profile.display_name = "Ada Lovelace"
    user.profile.save()
    client.force_login(user)
    assert "Signed in as <strong>Ada Lovelace</strong>" in client.get(LIST_URL).content.decode()


def test_post_form_offers_authors_by_display_name(client, editor):
    leila = make_user("leila").profile
    leila.display_name = "Leila Karimi"
    leila.save()
    html = client.get(ADD_URL).content.decode()
    assert ">Leila Karimi</option>" in html
    assert ">leila</option>" not in html


def test_admin_and_site_link_the_favicon(client, editor):
    link = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    assert link in client.get(LIST_URL).content.decode()
    assert link in client.get("/").content.decode()
    assert finders.find("favicon.svg")


# The publish box


def test_publish_button_publishes_a_draft(client, editor):
    response = post_form(client, ADD_URL, title="Live now", status="draft", _publish="Publish")
    assert response.status_code == 302
    assert Post.objects.get(title="Live now").status == Post.Status.PUBLISHED


def test_publish_button_with_a_future_time_schedules_and_says_when(client, editor):
    later = timezone.localtime() + timezone.timedelta(days=2)
    response = post_form(
        client, ADD_URL, title="Tomorrow's", status="draft", _publish="Schedule",
        published_at_0=later.strftime("%Y-%m-%d"), published_at_1="09:30:00",
    )  # fmt: skip
    assert Post.objects.get(title="Tomorrow's").status == Post.Status.SCHEDULED
    page = client.get(response["Location"]).content.decode()
    assert f"Scheduled for {later.day} {later:%b %Y}, 09:30." in page


def test_save_draft_keeps_the_post_a_draft_and_stays_on_the_form(client, editor):
    response = post_form(client, ADD_URL, title="Not yet", status="published", _save_draft="1")
    post = Post.objects.get(title="Not yet")
    assert post.status == Post.Status.DRAFT
    assert response["Location"] == change_url(post)
    assert "Draft saved." in client.get(response["Location"]).content.decode()


def test_preview_of_a_saved_draft_saves_it_and_opens_the_preview(client, editor):
    post = make_post("Draft to see", status=Post.Status.DRAFT)
    response = post_form(client, change_url(post), title="Draft to see, edited", _preview="1")
    post.refresh_from_db()
    assert (post.title, post.status) == ("Draft to see, edited", Post.Status.DRAFT)
    assert response["Location"] == post.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200  # editors see the preview


def test_preview_of_a_new_post_saves_a_draft_and_tells_its_script_where_each_tab_goes(
    client, editor
):
    client.defaults["HTTP_ACCEPT"] = "application/json"  # as post-preview.js asks
    response = post_form(client, ADD_URL, title="First look", status="published", _preview="1")
    post = Post.objects.get(title="First look")
    assert post.status == Post.Status.DRAFT
    assert response.json() == {"preview": post.get_absolute_url(), "change": change_url(post)}
    del client.defaults["HTTP_ACCEPT"]
    assert "Draft saved." in client.get(change_url(post)).content.decode()
    assert client.get(post.get_absolute_url()).status_code == 200  # editors see the preview


def test_preview_of_a_new_post_with_mistakes_saves_nothing_and_shows_the_form(client, editor):
    client.defaults["HTTP_ACCEPT"] = "application/json"
    response = post_form(client, ADD_URL, title="", _preview="1")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["adminform"].form.errors["title"]
    assert not Post.objects.exists()


def test_publish_box_buttons_say_what_they_do(client, editor):
    draft = client.get(change_url(make_post(status=Post.Status.DRAFT))).content.decode()
    assert 'name="_save_draft">Save draft</button>' in draft
    assert 'name="_preview" formtarget="_blank">Preview</button>' in draft
    assert 'name="_publish" value="Publish"' in draft and 'data-schedule="Schedule"' in draft
    live = client.get(change_url(make_post())).content.decode()
    assert 'name="_save" value="Update"' in live and 'name="_publish"' not in live


def test_update_keeps_a_published_post_published(client, editor):
    post = make_post("Live")
    post_form(client, change_url(post), title="Live, corrected", status="published", _save="Update")
    post.refresh_from_db()
    assert (post.title, post.status) == ("Live, corrected", Post.Status.PUBLISHED)


def test_private_visibility_makes_the_post_private_and_shows_as_such(client, editor):
    post_form(client, ADD_URL, title="Editors only", status="published", visibility="private",
              _publish="Publish")  # fmt: skip
    post = Post.objects.get(title="Editors only")
    assert post.status == Post.Status.PRIVATE
    form = client.get(change_url(post)).context["adminform"].form
    assert (form.initial["visibility"], form.initial["status"]) == ("private", "published")


# Categories as a tree, with "add new" in place


def test_post_form_shows_categories_as_an_indented_checkbox_tree(client, editor):
    world = make_category("World")
    make_category("Middle East", parent=world)
    html = client.get(ADD_URL).content.decode()
    assert 'class="depth-0"' in html and 'class="depth-1"' in html
    assert html.index(" World</label>") < html.index(" Middle East</label>")
    assert 'type="checkbox" name="categories"' in html
    assert "+ Add new category" in html


def test_category_added_in_place_is_filed_under_its_parent(client, editor):
    world = make_category("World")
    response = client.post("/admin/blog/category/quick-add/", {"name": "Gulf", "parent": world.pk})
    gulf = Category.objects.get(name="Gulf")
    assert response.json() == {"id": gulf.pk, "name": "Gulf", "depth": 1}
    assert gulf.parent == world


def test_category_added_in_place_without_a_name_explains(client, editor):
    response = client.post("/admin/blog/category/quick-add/", {"name": "", "parent": ""})
    assert response.status_code == 400
    assert "This field is required." in response.json()["error"]


def test_authors_cannot_add_categories_in_place(client, author):
    assert "+ Add new category" not in client.get(ADD_URL).content.decode()
    response = client.post("/admin/blog/category/quick-add/", {"name": "Mine", "parent": ""})
    assert response.status_code == 403
    assert not Category.objects.filter(name="Mine").exists()


def test_add_form_keeps_a_title_on_one_line(client, editor):
    post_form(client, ADD_URL, title="Talks resume\r\nin  Vienna ", body="<p>Text</p>")
    assert Post.objects.get().title == "Talks resume in Vienna"


def test_add_form_has_no_empty_table_of_pings_sent(client, editor):
    assert "pingbacks and webmentions sent" not in client.get(ADD_URL).content.decode().lower()
    post = make_post("Sent some")
    page = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "pingbacks and webmentions sent" in page.lower()
