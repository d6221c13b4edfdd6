from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Suivi du territoire"

    def ready(self):
        from . import registrations

        registrations.register()
