from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("mentions-legales/", accounts_views.legal_page, {"template": "legal_notice"}, name="legal_notice"),
    path("donnees-personnelles/", accounts_views.legal_page, {"template": "privacy"}, name="privacy"),
    path("accessibilite/", accounts_views.legal_page, {"template": "accessibility"}, name="accessibility"),
    path("compte/", include("accounts.urls")),
    path("parc/", include("leases.urls")),
    path("charte/", include("charter.urls")),
    path("appels-d-offres/", include("operators.urls")),
    path("abonnements/", include("subscriptions.urls")),
    path("tfpb/", include("tfpb.urls")),
    path("", include("monitoring.urls")),
    path("admin/", admin.site.urls),
]
