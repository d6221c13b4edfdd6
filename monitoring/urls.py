from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("suivi/", views.dashboard, name="dashboard"),
    path("suivi/tableau-de-bord.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("suivi/rapport-annuel.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("suivi/engagements/", views.commitment_list, name="commitment_list"),
    path("suivi/bailleurs/<int:pk>/", views.landlord_dashboard, name="landlord_dashboard"),
    path("suivi/bailleurs/<int:pk>/tableau-de-bord.xlsx", views.landlord_xlsx, name="landlord_xlsx"),
    path("suivi/bailleurs/<int:pk>/rapport-annuel.pdf", views.landlord_pdf, name="landlord_pdf"),
    path("suivi/bailleurs/<int:pk>/engagements/", views.landlord_commitments, name="landlord_commitments"),
    path("suivi/operateurs/<int:pk>/", views.operator_dashboard, name="operator_dashboard"),
    path("suivi/operateurs/<int:pk>/tableau-de-bord.xlsx", views.operator_xlsx, name="operator_xlsx"),
    path("suivi/operateurs/<int:pk>/rapport-annuel.pdf", views.operator_pdf, name="operator_pdf"),
    path("suivi/operateurs/<int:pk>/engagements/", views.operator_commitments, name="operator_commitments"),
    path("donnees-ouvertes/", views.open_data, name="open_data"),
    path("donnees-ouvertes/indicateurs-qpv.csv", views.open_data_csv, {"level": "qpv"}, name="open_data_qpv_csv"),
    path(
        "donnees-ouvertes/indicateurs-bailleurs.csv",
        views.open_data_csv,
        {"level": "landlord"},
        name="open_data_landlord_csv",
    ),
]
