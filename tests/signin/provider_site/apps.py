from django.apps import AppConfig


class ProviderSiteConfig(AppConfig):
    name = "tests.signin.provider_site"
    label = "provider_site"
