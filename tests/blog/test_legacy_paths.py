"""Old WordPress addresses of posts with non-Latin slugs: WordPress's export prints them
percent-encoded in lowercase hex, and a reader's browser asks for the same page however it
spells it; every spelling reaches the post with one 301."""

import io
from urllib.parse import quote

import pytest

from blog.models import Post
from blog.wordpress import services as wordpress_services
from tests.blog.wordpress import wxr_samples as samples

pytestmark = pytest.mark.django_db

SLUG = "برجام-چیست"  # Persian: "what is the JCPOA"
OLD_PATH = f"/archives/{quote(SLUG).lower()}/"  # as WordPress's <link> prints it


@pytest.fixture
def post():
    link = f"http://oldblog.example{OLD_PATH}"
    item = samples.item(7, "برجام چیست", slug=quote(SLUG).lower(), link=link)
    wordpress_services.wordpress_import(source=io.BytesIO(samples.export(item)))
    return Post.objects.get()


@pytest.mark.parametrize(
    "spelling",
    [
        OLD_PATH,
        OLD_PATH.replace("/archives/", "/ARCHIVES/").upper().replace("/ARCHIVES/", "/archives/"),
        f"/archives/{SLUG}/",
    ],
    ids=["lowercase-hex", "uppercase-hex", "text"],
)
def test_old_address_of_a_non_latin_slug_redirects_in_every_spelling(client, post, spelling):
    response = client.get(spelling)
    assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())
