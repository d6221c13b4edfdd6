from django.conf import settings
from django.core.checks import Error, register


def missing_settings_message(names):
    return (
        f"Réglage{'s' if len(names) > 1 else ''} obligatoire{'s' if len(names) > 1 else ''} "
        f"quand DEBUG est désactivé : {', '.join(names)} (variables d'environnement, voir le README)."
    )


@register(deploy=True)
def production_settings(app_configs, **kwargs):
    """`check --deploy` fails while a setting production cannot do without is missing."""
    missing = getattr(settings, "MISSING_PRODUCTION_SETTINGS", [])
    return [Error(missing_settings_message(missing), id="accounts.E001")] if missing else []
