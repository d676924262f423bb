"""ensure_admin: the first login ./run prints."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_admin_account_has_a_display_name_for_bylines(client, settings, tmp_path):
    settings.BASE_DIR = tmp_path  # its password file goes to var/ there
    call_command("ensure_admin", stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    post = make_post("Hello", author=admin)
    html = client.get(post.get_absolute_url()).content.decode()
    assert ">Editor</a>" in html
    assert ">admin</a>" not in html
