from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_module, module_has_submodule


def deadline_steps():
    """Each app may own a `deadlines` module with `run(now) -> str | None` (idempotent)."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "deadlines"):
            module = import_module(f"{config.name}.deadlines")
            yield config.label, module.run


class Command(BaseCommand):
    help = (
        "Point d'entrée unique de la crontab pour tout ce qui dépend du temps (relances, échéances). "
        "Sans danger s'il est lancé chaque minute ou deux fois de suite."
    )

    def handle(self, **options):
        now = timezone.now()
        for label, run in deadline_steps():
            summary = run(now)
            if summary:
                self.stdout.write(f"[{label}] {summary}")
        self.stdout.write("Échéances traitées.")
