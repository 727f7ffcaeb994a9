from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dlplatform.accounts.models import User
from dlplatform.accounts.services import user_create

DEMO = (
    ("instructor", "demo-instructor-pass", True),
    ("student", "demo-student-pass", False),
)


class Command(BaseCommand):
    help = "Create a demo instructor and a demo student (only when DEBUG or DEMO_USERS is on)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEMO_USERS:
            raise CommandError("Demo users are only created when DEBUG=1 or DEMO_USERS=1.")
        for username, password, instructor in DEMO:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"  {username:<10} exists")
                continue
            user_create(username=username, password=password, instructor=instructor)
            self.stdout.write(f"  {username:<10} created")
        self.stdout.write(self.style.SUCCESS("Demo log-ins (local development only):"))
        for username, password, instructor in DEMO:
            role = "instructor" if instructor else "student"
            self.stdout.write(f"  {role:<10} username={username} password={password}")
