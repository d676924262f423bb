import io

import pytest
from django.core.management import call_command

from blog.models import Post
from blog.wordpress import wxr
from tests.comments.factories import make_comment
from tests.factories import make_category, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def pasted_text():
    """A post, a category and a comment carrying characters XML 1.0 forbids."""
    post = make_post("Breaking\x1dnews", categories=[make_category("World\x1d")])
    make_comment(post, "From a PDF\x0bline two", user_name="Ada\x01")
    return post


def test_export_with_control_characters_is_read_back_by_the_importer(tmp_path, pasted_text):
    path = tmp_path / "export.xml"
    call_command("export_wordpress", "-o", str(path))
    call_command("import_wordpress", str(path), "--dry-run", stdout=io.StringIO())
    items = [obj for obj in wxr.read(str(path)) if isinstance(obj, wxr.Item)]
    [item] = items
    assert (item.title, item.categories[0][2]) == ("Breakingnews", "World")
    assert (item.comments[0].content, item.comments[0].author) == ("From a PDF line two", "Ada")


def test_export_keeps_the_stored_text_as_written(tmp_path, pasted_text):
    call_command("export_wordpress", "-o", str(tmp_path / "export.xml"))
    assert Post.objects.get().title == "Breaking\x1dnews"
