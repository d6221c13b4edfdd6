from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.overview, name="overview"),
    # contracts: rollout, reports, invoices
    path("marches/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("marches/<int:pk>/deployer/", views.contract_rollout, name="contract_rollout"),
    path("marches/<int:pk>/logements.xlsx", views.contract_dwellings, name="contract_dwellings"),
    path("marches/<int:pk>/rapport/", views.report_upload, name="report_upload"),
    path("marches/<int:pk>/factures/ajouter/", views.invoice_add, name="invoice_add"),
    path("factures/<int:pk>/supprimer/", views.invoice_delete, name="invoice_delete"),
    path("rapports/<int:pk>/", views.report_detail, name="report_detail"),
    path("evenements/<int:pk>/contester/", views.event_contest, name="event_contest"),
    # dwellings: statuses and incidents
    path("abonnements/<int:pk>/statut/", views.subscription_record, name="subscription_record"),
    path("abonnements/<int:pk>/panne/", views.incident_report, name="incident_report"),
    path("pannes/<int:pk>/resoudre/", views.incident_resolve, name="incident_resolve"),
    # residences: legal basis, landlord's share, opt-ins
    path("residences/<int:pk>/", views.residence_detail, name="residence_detail"),
    path("residences/<int:pk>/part-du-bailleur/", views.charge_setting, name="charge_setting"),
    path("residences/<int:pk>/accord/", views.basis_agreement, name="basis_agreement"),
    path("residences/<int:pk>/consultation/", views.basis_consultation, name="basis_consultation"),
    path("residences/<int:pk>/adhesion-individuelle/", views.basis_opt_in, name="basis_opt_in"),
    path("bases/<int:pk>/vote/", views.basis_vote, name="basis_vote"),
    path("bases/<int:pk>/fin/", views.basis_end, name="basis_end"),
    path("bases/<int:pk>/abandonner/", views.basis_abandon, name="basis_abandon"),
    path("bases/<int:pk>/lettre.pdf", views.basis_letter, name="basis_letter"),
    path("bases/<int:pk>/bulletin.pdf", views.basis_ballot, name="basis_ballot"),
    path("baux/<int:pk>/adhesion/", views.lease_opt_in, name="lease_opt_in"),
    path("adhesions/<int:pk>/renonciation/", views.lease_opt_out, name="lease_opt_out"),
    # money
    path("charges/", views.charges_export, name="charges_export"),
    path("regularisations/", views.regularisation_list, name="regularisation_list"),
    path("regularisations/nouvelle/", views.regularisation_create, name="regularisation_create"),
    path("regularisations/<int:pk>/", views.regularisation_detail, name="regularisation_detail"),
    path("regularisations/<int:pk>/recalculer/", views.regularisation_compute, name="regularisation_compute"),
    path("regularisations/<int:pk>/envoyer/", views.regularisation_send, name="regularisation_send"),
    path("regularisations/<int:pk>/rectifier/", views.regularisation_correct, name="regularisation_correct"),
    path("regularisations/<int:pk>/export.xlsx", views.regularisation_xlsx, name="regularisation_xlsx"),
    path("regularisations/<int:pk>/decomptes/<int:lease_pk>.pdf", views.statement_pdf, name="regularisation_statement"),
]
