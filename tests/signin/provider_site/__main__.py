"""python -m tests.signin.provider_site BLOG_ADDRESS...: make the provider's database (its
people, and a client for each of the four providers whose callbacks are on the blog addresses
given), serve it on a free port of 127.0.0.1, and print "READY <address>"."""

import os
import sys
import tempfile
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from jwcrypto import jwk

PROVIDERS = ["google", "facebook", "x", "wordpress"]


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def prepare(blog_addresses):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    from tests.signin.provider_site.views import PEOPLE

    call_command("migrate", verbosity=0)
    for username, about in PEOPLE.items():
        get_user_model().objects.create_user(username, about["email"])
    for provider in PROVIDERS:
        callbacks = [f"{base}/accounts/{provider}/login/callback/" for base in blog_addresses]
        Application.objects.create(
            name=provider,
            client_id=f"{provider}-client",
            client_secret=f"{provider}-secret",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(callbacks),
            skip_authorization=True,
            algorithm=Application.RS256_ALGORITHM if provider == "google" else "",
        )


def main(blog_addresses):
    folder = tempfile.mkdtemp(prefix="provider-")
    os.environ["PROVIDER_DB"] = os.path.join(folder, "provider.sqlite3")
    os.environ["PROVIDER_RSA_KEY"] = (
        jwk.JWK.generate(kty="RSA", size=2048)
        .export_to_pem(private_key=True, password=None)
        .decode()
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.signin.provider_site.settings"
    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    prepare(blog_addresses)
    server = make_server("127.0.0.1", 0, get_wsgi_application(), Server, QuietHandler)
    os.environ["PROVIDER_BASE"] = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"READY {os.environ['PROVIDER_BASE']}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
