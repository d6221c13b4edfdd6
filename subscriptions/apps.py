from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Abonnements inclus dans les charges"

    def ready(self):
        from . import registrations

        registrations.register()
