import pytest

from tests.factories import make_user


@pytest.fixture
def editor(client):
    """A user of the Editor group, signed in on the test client."""
    user = make_user("editor", group="Editor")
    client.force_login(user)
    return user
