"""The provider's picture, copied here once: pages never load it from the provider."""

import io
import logging

from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from blog.jobs import task
from comments.mentions import fetch

logger = logging.getLogger(__name__)

AVATAR_SIZE = 192  # pixels, square: twice the largest size a page shows
AVATAR_MAX_BYTES = 2_000_000
AVATAR_MAX_PIXELS = 4096 * 4096
AVATAR_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def on_signed_up(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is not None:
        avatar_queue(account_id=sociallogin.account.pk)


def on_account_added(sender, request, sociallogin, **kwargs):
    avatar_queue(account_id=sociallogin.account.pk)


def avatar_queue(*, account_id: int) -> None:
    """Copy the picture by a task once the account is saved (signals fire mid-transaction)."""
    deferrer = task("comments.signin.tasks.copy_avatar")
    transaction.on_commit(lambda: deferrer.defer(account_id=account_id))


def avatar_copy(*, account_id: int) -> bool:
    """Store the provider's picture as the reader's avatar, unless they have one; True when
    stored. A picture that cannot be had (refused address, not an image) is left out."""
    account = SocialAccount.objects.select_related("user").filter(pk=account_id).first()
    url = account.get_avatar_url() if account else None
    if not url:
        return False
    profile_model = apps.get_model("blog", "AuthorProfile")
    profile, _ = profile_model.objects.get_or_create(user=account.user)
    if profile.avatar:
        return False
    try:
        response = fetch.fetch(url, max_bytes=AVATAR_MAX_BYTES)
    except fetch.FetchError as error:
        logger.info("Avatar of social account %s not fetched: %s", account_id, error)
        return False
    image = avatar_image(response.body) if response.status == 200 else None
    if image is None:
        return False
    profile.avatar.save(f"{account.provider}-{account.pk}.png", ContentFile(image), save=True)
    return True


def avatar_image(body: bytes) -> bytes | None:
    """The picture re-encoded as a square PNG (nothing of the original file is kept), or None
    when it is not an image we read."""
    try:
        with Image.open(io.BytesIO(body)) as image:
            if image.format not in AVATAR_FORMATS or image.width * image.height > AVATAR_MAX_PIXELS:
                return None
            image = image.convert("RGBA")
            side = min(image.size)
            left, top = (image.width - side) // 2, (image.height - side) // 2
            image = image.crop((left, top, left + side, top + side))
            image = image.resize((AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
