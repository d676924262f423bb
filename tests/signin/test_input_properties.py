"""Property-based: whatever a browser or a provider sends to the sign-in addresses, the blog
answers without a 5xx and makes no account."""

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.models import RateCounter
from tests.strategies import any_text, url_like

pytestmark = pytest.mark.django_db

examples = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PARAMETERS = st.dictionaries(
    st.sampled_from(["code", "state", "error", "error_description", "next", "process", "scope"]),
    any_text,
    max_size=5,
)


@pytest.fixture
def reader(client, test_provider):
    for provider in ("google", "x"):
        test_provider.configure(provider)
    client.raise_request_exception = False
    return client


@examples
@given(provider=st.sampled_from(["google", "x"]), parameters=PARAMETERS)
def test_callback_answers_whatever_is_sent(reader, provider, parameters):
    response = reader.get(f"/accounts/{provider}/login/callback/", parameters)

    assert response.status_code < 500
    assert not get_user_model().objects.exists()


@examples
@given(provider=st.sampled_from(["google", "x"]), next_url=url_like, process=any_text)
def test_starting_a_sign_in_answers_whatever_is_sent(reader, provider, next_url, process):
    RateCounter.objects.all().delete()

    response = reader.post(f"/accounts/{provider}/login/", {"next": next_url, "process": process})

    assert response.status_code < 500
