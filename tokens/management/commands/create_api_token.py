from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tokens.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for a user; it acts with that user's permissions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="", help='What the token is for, e.g. "Matchday script".'
        )

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is inactive; tokens of inactive users do not work.")
        issued = ApiToken.objects.issue(user=user, name=name)
        self.stderr.write(
            f"Token for {username} (shown once; send it as 'Authorization: Bearer …'):"
        )
        self.stdout.write(issued.secret)
