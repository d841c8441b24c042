"""python manage.py create_api_key NAME --scope gadget|ivr: prints the key last."""

from django.core.management.base import BaseCommand, CommandError

from callbacks.models import ApiKey, ApiScope


class Command(BaseCommand):
    help = "Create an API key for the gadget or the IVR script. The key is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="What the key is for, e.g. 'Finesse gadget, site A'.")
        parser.add_argument("--scope", required=True, choices=ApiScope.values)

    def handle(self, *args, name: str, scope: str, **options):
        if ApiKey.objects.filter(name=name, revoked=False).exists():
            raise CommandError(f"An active key named '{name}' exists; revoke it or pick a name.")
        _, key = ApiKey.objects.create_key(name=name, scope=scope)
        self.stdout.write(f"Created {scope} key '{name}'. Store it now; it is not shown again:")
        self.stdout.write(key)
