"""What monitoring adds to the foundation's extension points (accounts.registry)."""

from accounts.models import Kind
from accounts.registry import register_home_panel, register_nav


def register():
    from .views import home_panel

    everyone = [Kind.CITY, Kind.STATE, Kind.LANDLORD, Kind.OPERATOR]
    register_nav("Suivi", "monitoring:dashboard", everyone, order=10)
    register_home_panel("monitoring/home_panel.html", everyone, context=home_panel, order=10)
