"""The module allauth's provider registry looks for in every installed app."""

from comments.signin.providers import PROVIDERS

provider_classes = PROVIDERS
