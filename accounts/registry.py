"""Extension points owned by accounts, filled by the apps above it in their AppConfig.ready().

A lower app never imports a higher one (style.md): where the foundation must show what a
domain app knows (a menu entry, a home panel, an organisation's presence in a territory), the
domain app registers itself here.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    kinds: frozenset
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    template_name: str
    kinds: frozenset
    context: object = None  # callable(request) -> dict, or None
    order: int = 100


@dataclass(frozen=True)
class HomeStep:
    kinds: frozenset
    done: object  # callable(organization_ids) -> the ids among them for which the step is done


@dataclass(frozen=True)
class DetailPanel:
    template_name: str
    context: object  # callable(request, obj) -> dict, or None to show nothing
    order: int = 100


@dataclass
class Registry:
    nav: list = field(default_factory=list)
    home_panels: list = field(default_factory=list)
    # callables(territory_codes_subquery) -> Q on Organization: "works in these communes"
    presence: list = field(default_factory=list)
    # "app_label.Model" -> callables(user) -> Q: extra rows a higher app lets a user see
    # (an operator sees the dwellings of its tenders and contracts).
    visibility: dict = field(default_factory=dict)
    # "app_label.Model" -> DetailPanels a higher app adds to that model's page ({% detail_panels obj %}).
    detail_panels: dict = field(default_factory=dict)
    # step code -> HomeStep: the "next steps" of the home page (templates/home/) an organisation has done.
    home_steps: dict = field(default_factory=dict)


registry = Registry()


def register_nav(label, url_name, kinds, order=100):
    item = NavItem(label, url_name, frozenset(kinds), order)
    if item not in registry.nav:
        registry.nav.append(item)


def register_home_panel(template_name, kinds, context=None, order=100):
    panel = HomePanel(template_name, frozenset(kinds), context, order)
    if panel not in registry.home_panels:
        registry.home_panels.append(panel)


def register_home_step(code, kinds, done):
    """A step of the home page's "next steps" (templates/home/<kind>.html names it by `code`).

    done(organization_ids) -> the ids (of organisations of `kinds`) for which the step is done, in
    one query whatever their number: the home page makes one query per step, never per organisation.
    """
    registry.home_steps[code] = HomeStep(frozenset(kinds), done)


def done_steps(organizations):
    """{organization pk: set of the step codes it has done}, one query per step of their kinds."""
    done = {organization.pk: set() for organization in organizations}
    for code, step in registry.home_steps.items():
        ids = [organization.pk for organization in organizations if organization.kind in step.kinds]
        if ids:
            for pk in step.done(ids):
                done[pk].add(code)
    return done


def register_presence(func):
    """func(communes) -> Q over Organization, true where it works in one of those communes."""
    if func not in registry.presence:
        registry.presence.append(func)


def register_visibility(model_label, func):
    """func(user) -> Q over the model: rows a higher app makes visible to `user`."""
    funcs = registry.visibility.setdefault(model_label, [])
    if func not in funcs:
        funcs.append(func)


def extra_visibility(model_label, user):
    """The Q objects registered for `model_label` (see register_visibility)."""
    return [func(user) for func in registry.visibility.get(model_label, [])]


def register_detail_panel(model_label, template_name, context, order=100):
    """Show `template_name` on the page of every `model_label` object (e.g. a dwelling's subscriptions).

    context(request, obj) -> dict for the template, or None when the panel has nothing to show
    this user. The lower app's template only writes `{% detail_panels obj %}` (accounts' ui tags).
    """
    panel = DetailPanel(template_name, context, order)
    panels = registry.detail_panels.setdefault(model_label, [])
    if panel not in panels:
        panels.append(panel)
        panels.sort(key=lambda p: p.order)
