import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from blog.models import AuthorProfile


class Command(BaseCommand):
    help = "Make the 'admin' superuser if it does not exist, and print its login."

    def handle(self, *args, **options):
        password_file = settings.BASE_DIR / "var" / "admin-password.txt"
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser("admin", "admin@localhost", password)
            # Bylines, comment replies and the admin show this name, never "admin".
            AuthorProfile.objects.get_or_create(user=user, defaults={"display_name": "Editor"})
            password_file.parent.mkdir(exist_ok=True)
            password_file.write_text(password + "\n")
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = "(set before; change it with: python manage.py changepassword admin)"
        self.stdout.write(f"Admin login: admin / {password}")
