from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "operators"
    verbose_name = "Appels d'offres et marchés"

    def ready(self):
        from . import registrations

        registrations.register()
