from django.urls import path

from .views import imports

app_name = "leases"

urlpatterns = [
    # stock pages (leases/views/stock.py)
    # imports and exports (leases/views/imports.py)
    path("imports/", imports.import_list, name="import_list"),
    path("imports/nouveau/<str:kind>/", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirmer/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/abandonner/", imports.import_cancel, name="import_cancel"),
    path("imports/modele/<str:kind>.xlsx", imports.import_template, name="import_template"),
    path("logements/export.xlsx", imports.lodging_export, name="lodging_export"),
]
