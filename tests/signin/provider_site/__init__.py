"""A small OAuth 2.0 / OpenID Connect provider (django-oauth-toolkit) that the sign-in tests run
on 127.0.0.1 and point Google, Facebook, X and WordPress.com at: nothing real can be reached
from the tests, and this one speaks the same protocols with the same profile shapes.

Start it with `python -m tests.signin.provider_site` (see __main__.py); it prints its address.
"""
