from django.urls import path

from . import views

app_name = "tfpb"

urlpatterns = [
    path("", views.convention_list, name="convention_list"),
    path("synthese/", views.overview, name="overview"),
    path("synthese/bilans.xlsx", views.year_xlsx, name="year_xlsx"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/<int:pk>/", views.convention_detail, name="convention_detail"),
    path("conventions/<int:pk>/modifier/", views.convention_edit, name="convention_edit"),
    path("conventions/<int:pk>/signer/", views.convention_sign, name="convention_sign"),
    path("conventions/<int:pk>/lignes/ajouter/", views.line_add, name="line_add"),
    path("conventions/<int:pk>/bilans/ouvrir/", views.report_open, name="report_open"),
    path("bilans/<int:pk>/", views.report_detail, name="report_detail"),
    path("bilans/<int:pk>/transmettre/", views.report_submit, name="report_submit"),
    path("bilans/<int:pk>/transmettre-a-nouveau/", views.report_resubmit, name="report_resubmit"),
    path("bilans/<int:pk>/valider/", views.report_validate, name="report_validate"),
    path("bilans/<int:pk>/renvoyer/", views.report_send_back, name="report_send_back"),
    path("bilans/<int:pk>/bilan.xlsx", views.report_xlsx, name="report_xlsx"),
    path("bilans/<int:pk>/bilan.pdf", views.report_pdf, name="report_pdf"),
    path("programmes/<int:pk>/abattement/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/actions/ajouter/", views.action_add, name="action_add"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/supprimer/", views.action_delete, name="action_delete"),
    path("actions/<int:pk>/reprendre-le-montant-propose/", views.action_accept_proposal, name="action_accept_proposal"),
]
