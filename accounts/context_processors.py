from django.urls import reverse

from .models import TERRITORIAL_KINDS
from .registry import registry


def navigation(request):
    """Menu entries that fit the kinds of organisation the user belongs to."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    kinds = user.kinds
    items = [(0, "Accueil", reverse("home"))]
    for item in registry.nav:
        if item.kinds & kinds:
            items.append((item.order, item.label, reverse(item.url_name)))
    items.append((900, "Organisations", reverse("accounts:organization_list")))
    items.sort(key=lambda i: i[0])
    # The current entry is the longest URL the path starts with: "Mes offres" (/appels-d-offres/offres/)
    # on its own page, not "Appels d'offres" (/appels-d-offres/) too. The home page only on itself.
    path = request.path
    matches = [url for _, _, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    nav = [{"label": label, "url": url, "active": url == current} for _, label, url in items]
    return {"nav_items": nav, "user_is_territorial": bool(kinds & set(TERRITORIAL_KINDS))}
