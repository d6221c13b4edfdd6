from django.urls import path  # noqa: F401

app_name = "leases"

urlpatterns = [
    # stock pages (leases/views/stock.py)
    # imports and exports (leases/views/imports.py)
]
