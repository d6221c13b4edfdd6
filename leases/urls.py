from django.urls import path

from .views import imports, stock

app_name = "leases"

urlpatterns = [
    # stock pages (leases/views/stock.py)
    path("", stock.lodging_list, name="lodging_list"),
    path("logements/equipement/", stock.lodging_equipment_bulk, name="lodging_equipment_bulk"),
    path("logements/<int:pk>/", stock.lodging_detail, name="lodging_detail"),
    path("logements/<int:pk>/equipement/", stock.lodging_equipment, name="lodging_equipment"),
    path("logements/<int:pk>/sortie/", stock.lodging_exit, name="lodging_exit"),
    path("logements/<int:pk>/retour/", stock.lodging_return, name="lodging_return"),
    path("residences/", stock.residence_list, name="residence_list"),
    path("residences/fibre-non-rapprochees/", stock.residence_unmatched, name="residence_unmatched"),
    path("residences/<int:pk>/", stock.residence_detail, name="residence_detail"),
    # imports and exports (leases/views/imports.py)
    path("imports/", imports.import_list, name="import_list"),
    path("imports/nouveau/<str:kind>/", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirmer/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/abandonner/", imports.import_cancel, name="import_cancel"),
    path("imports/modele/<str:kind>.xlsx", imports.import_template, name="import_template"),
    path("logements/export.xlsx", imports.lodging_export, name="lodging_export"),
]
