"""The four sign-in providers, on allauth's OAuth 2.0 and OpenID Connect machinery.

Google is OpenID Connect (its discovery document names every endpoint); Facebook, X and
WordPress.com are OAuth 2.0 with a profile request. Each endpoint can be replaced in the Social
application's settings in the admin ({"server_url": ...} for Google, {"authorize_url": ...,
"access_token_url": ..., "profile_url": ...} for the others): the tests point them at a
provider on 127.0.0.1; a real site leaves them out.

Each provider says whether it vouches for the email address it gives (`verified`); the
sign-in adapter refuses a first sign-in without one (comments.signin.adapter).
"""

from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.socialaccount.providers.twitter_oauth2.provider import (
    TwitterOAuth2Account,
    TwitterOAuth2Provider,
)
from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter

GOOGLE_ISSUER = "https://accounts.google.com"
FACEBOOK_GRAPH = "https://graph.facebook.com/v21.0"
WORDPRESS_API = "https://public-api.wordpress.com"


class Endpoints:
    """An OAuth 2.0 adapter whose endpoints the Social application's settings may replace."""

    defaults: dict = {}

    def endpoint(self, name: str) -> str:
        return self.get_provider().app.settings.get(name) or self.defaults[name]

    @property
    def authorize_url(self):
        return self.endpoint("authorize_url")

    @property
    def access_token_url(self):
        return self.endpoint("access_token_url")

    @property
    def profile_url(self):
        return self.endpoint("profile_url")

    def profile(self, token, params=None) -> dict:
        headers = {"Authorization": f"Bearer {token.token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, params=params, headers=headers)
            response.raise_for_status()
            return response.json()


# Google: OpenID Connect ------------------------------------------------------------------------


class GoogleAccount(OpenIDConnectProviderAccount):
    def get_avatar_url(self):
        return (self.get_user_data() or {}).get("picture")


class GoogleAdapter(OpenIDConnectOAuth2Adapter):
    provider_id = "google"

    def __init__(self, request):
        super().__init__(request, self.provider_id)

    get_callback_url = OAuth2Adapter.get_callback_url


class GoogleProvider(OpenIDConnectProvider):
    id = "google"
    name = "Google"
    account_class = GoogleAccount
    oauth2_adapter_class = GoogleAdapter
    get_login_url = OAuth2Provider.get_login_url
    get_callback_url = OAuth2Provider.get_callback_url

    def __init__(self, request, app=None):
        super().__init__(request, app=app)
        self.name = type(self).name  # the base class names itself after the application

    @property
    def server_url(self):
        return self.wk_server_url(self.app.settings.get("server_url") or GOOGLE_ISSUER)

    def get_oauth2_adapter(self, request):
        return GoogleAdapter(request)


# Facebook: OAuth 2.0 and the Graph API's /me ---------------------------------------------------


class FacebookAccount(ProviderAccount):
    def get_avatar_url(self):
        return ((self.account.extra_data.get("picture") or {}).get("data") or {}).get("url")

    def to_str(self):
        return self.account.extra_data.get("name") or super().to_str()


class FacebookAdapter(Endpoints, OAuth2Adapter):
    provider_id = "facebook"
    scope_delimiter = ","
    defaults = {
        "authorize_url": "https://www.facebook.com/v21.0/dialog/oauth",
        "access_token_url": f"{FACEBOOK_GRAPH}/oauth/access_token",
        "profile_url": f"{FACEBOOK_GRAPH}/me",
    }

    def complete_login(self, request, app, token, **kwargs):
        fields = "id,name,first_name,last_name,email,picture.width(192).height(192)"
        data = self.profile(token, params={"fields": fields})
        return self.get_provider().sociallogin_from_response(request, data)


class FacebookProvider(OAuth2Provider):
    """Facebook gives a person's email only once they confirmed it, so it vouches for it;
    an application whose settings say {"email_verified": false} does not."""

    id = "facebook"
    name = "Facebook"
    account_class = FacebookAccount
    oauth2_adapter_class = FacebookAdapter

    def get_default_scope(self):
        return ["email", "public_profile"]

    def extract_uid(self, data):
        return str(data["id"])

    def extract_common_fields(self, data):
        return {
            "email": data.get("email"),
            "first_name": data.get("first_name"),
            "last_name": data.get("last_name"),
            "name": data.get("name"),
        }

    def extract_email_addresses(self, data):
        email = data.get("email")
        verified = parse_bool_safely(self.app.settings.get("email_verified", True))
        return [EmailAddress(email=email, verified=verified, primary=True)] if email else []


# X: OAuth 2.0 with PKCE and /2/users/me ----------------------------------------------------------


class XAccount(TwitterOAuth2Account):
    def get_avatar_url(self):
        """X's profile_image_url is its 48 px "_normal" size; the 400 px one sits beside it."""
        url = super().get_avatar_url()
        return url.replace("_normal.", "_400x400.") if url else url


class XAdapter(Endpoints, TwitterOAuth2Adapter):
    provider_id = "x"
    defaults = {
        "authorize_url": TwitterOAuth2Adapter.authorize_url,
        "access_token_url": TwitterOAuth2Adapter.access_token_url,
        "profile_url": TwitterOAuth2Adapter.profile_url,
    }


class XProvider(TwitterOAuth2Provider):
    """X gives the address only with the users.email scope, as confirmed_email: confirmed."""

    id = "x"
    name = "X"
    account_class = XAccount
    oauth2_adapter_class = XAdapter

    def get_fields(self):
        return ["id", "name", "username", "profile_image_url", "confirmed_email"]

    def get_default_scope(self):
        return ["users.read", "tweet.read", "users.email"]

    def extract_common_fields(self, data):
        return {
            "email": data.get("confirmed_email"),
            "name": data.get("name"),
            "username": data.get("username"),
        }

    def extract_email_addresses(self, data):
        email = data.get("confirmed_email")
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []


# WordPress.com: OAuth 2.0 and /rest/v1.1/me -----------------------------------------------------


class WordPressAccount(ProviderAccount):
    def get_avatar_url(self):
        return self.account.extra_data.get("avatar_URL")

    def get_profile_url(self):
        return self.account.extra_data.get("profile_URL")

    def to_str(self):
        return self.account.extra_data.get("display_name") or super().to_str()


class WordPressAdapter(Endpoints, OAuth2Adapter):
    provider_id = "wordpress"
    defaults = {
        "authorize_url": f"{WORDPRESS_API}/oauth2/authorize",
        "access_token_url": f"{WORDPRESS_API}/oauth2/token",
        "profile_url": f"{WORDPRESS_API}/rest/v1.1/me",
    }

    def complete_login(self, request, app, token, **kwargs):
        data = self.profile(token)
        return self.get_provider().sociallogin_from_response(request, data)


class WordPressProvider(OAuth2Provider):
    id = "wordpress"
    name = "WordPress.com"
    account_class = WordPressAccount
    oauth2_adapter_class = WordPressAdapter

    def get_default_scope(self):
        return ["auth"]

    def extract_uid(self, data):
        return str(data["ID"])

    def extract_common_fields(self, data):
        return {
            "email": data.get("email"),
            "name": data.get("display_name"),
            "username": data.get("username"),
        }

    def extract_email_addresses(self, data):
        email = data.get("email")
        verified = parse_bool_safely(data.get("email_verified"))
        return [EmailAddress(email=email, verified=verified, primary=True)] if email else []


PROVIDERS = [GoogleProvider, FacebookProvider, XProvider, WordPressProvider]


def authorize_origin(provider) -> str:
    """The origin a started sign-in is redirected to (the page's CSP form-action allows it)."""
    settings = provider.app.settings
    if isinstance(provider, GoogleProvider):
        url = settings.get("server_url") or GOOGLE_ISSUER  # Google authorizes on its issuer
    else:
        default = provider.oauth2_adapter_class.defaults["authorize_url"]
        url = settings.get("authorize_url") or default
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
