from django.urls import path

from . import views

app_name = "charter"

urlpatterns = [
    path("", views.charter_list, name="charter_list"),
    path("nouvelle/", views.charter_add, name="charter_add"),
    path("<int:pk>/", views.charter_detail, name="charter_detail"),
    path("<int:pk>/modifier/", views.charter_edit, name="charter_edit"),
    path("<int:pk>/publier/", views.charter_publish, name="charter_publish"),
    path("<int:pk>/clore/", views.charter_close, name="charter_close"),
    path("<int:pk>/nouvelle-version/", views.charter_new_version, name="charter_new_version"),
    path("<int:pk>/relance/", views.charter_reminder, name="charter_reminder"),
    path("<int:pk>/inviter/", views.signature_invite, name="signature_invite"),
    path("<int:pk>/suivi/", views.charter_followup, name="charter_followup"),
    path("<int:pk>/suivi.xlsx", views.charter_export, name="charter_export"),
    path("publique/<int:pk>/", views.charter_public, name="charter_public"),
    path("publique/<int:pk>/charte.pdf", views.charter_pdf, name="charter_pdf"),
    path("adhesions/<int:pk>/", views.signature_detail, name="signature_detail"),
    path("adhesions/<int:pk>/signer/", views.signature_sign, name="signature_sign"),
    path("adhesions/<int:pk>/decliner/", views.signature_decline, name="signature_decline"),
    path("adhesions/<int:pk>/retirer/", views.signature_withdraw, name="signature_withdraw"),
    path("adhesions/<int:pk>/attestation.pdf", views.signature_certificate, name="signature_certificate"),
    path("adhesions/<int:pk>/engagements/ajouter/", views.commitment_add, name="commitment_add"),
    path("engagements/<int:pk>/modifier/", views.commitment_edit, name="commitment_edit"),
    path("engagements/<int:pk>/supprimer/", views.commitment_delete, name="commitment_delete"),
]
