"""
The city's badge classes: define them with their requirement groups and image, activate or archive them,
make a new version of one that learners hold, award by hand and revoke. Everything goes through
``badges.api`` (and ``badges.engine.revoke``), which owns the rules: locked requirements, expiry, re-earning.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from ..badges import api as badges_api
from ..badges import engine, presentation
from ..badges.models import Award, BadgeClass, BadgeStatus
from ..tenancy import permissions
from . import describe, lookups
from .context import apply_errors, city_view, render_page
from .forms import ManualAwardForm, RevokeForm
from .forms_badges import BadgeClassForm, BadgeImageForm, GroupFormSet, RequirementFormSet, groups_from


def _class_of(city, uuid) -> BadgeClass:
    return get_object_or_404(BadgeClass, issuer_city=city, uuid=uuid)


@city_view(methods=("GET", "HEAD"))
def badges(request, city):
    """The city's badge classes with their requirements in words."""
    classes = list(BadgeClass.objects.filter(issuer_city=city).prefetch_related("groups__requirements")
                   .annotate(award_count=Count("awards", distinct=True)).order_by("status", "name"))
    described = describe.describe_classes(classes, city)
    for badge_class in classes:
        badge_class.described = described[badge_class.pk]
        badge_class.image_path = presentation.class_image_path(badge_class)
    return render_page(request, "badges.html", city, {"badge_classes": classes}, nav="console-badges")


def _requirement_forms(data, city, badge_class: BadgeClass | None):
    """The group and requirement formsets, filled from the class's requirements when editing."""
    groups_initial, rows_initial = [], []
    if badge_class is not None:
        for number, group in enumerate(badges_api.requirements_data(badge_class), start=1):
            groups_initial.append({"name": group["name"], "min_required": group["min_required"]})
            rows_initial += [{"group": number, "kind": r["kind"], "target": r["target"]}
                             for r in group["requirements"]]
    group_count = len(groups_initial) + GroupFormSet.extra  # as many as the group formset shows
    if data is not None:
        try:
            group_count = max(1, int(data.get("groups-TOTAL_FORMS", group_count)))
        except ValueError:
            group_count = 1
    groups = GroupFormSet(data, prefix="groups", initial=groups_initial)
    rows = RequirementFormSet(data, prefix="requirements", initial=rows_initial, form_kwargs={
        "targets": lookups.requirement_targets(city, exclude=badge_class), "group_count": group_count})
    return groups, rows


def _editor(request, city, badge_class: BadgeClass | None, form, groups, rows, image_form=None, status=200):
    locked = badge_class is not None and badges_api.is_locked(badge_class)
    context = {"badge_class": badge_class, "form": form, "groups": groups, "rows": rows, "locked": locked,
               "image_form": image_form or BadgeImageForm(prefix="image")}
    if badge_class is not None:
        context["described"] = describe.describe_classes([badge_class], city)[badge_class.pk]
        context["image_path"] = presentation.class_image_path(badge_class)
    return render_page(request, "badge_form.html", city, context, status=status, nav="console-badges")


@city_view()
def badge_form(request, city, uuid=None):
    """Create a badge class, or change one; its requirements change only while nobody holds it."""
    badge_class = _class_of(city, uuid) if uuid else None
    locked = badge_class is not None and badges_api.is_locked(badge_class)
    data = request.POST if request.method == "POST" else None
    form = BadgeClassForm(data, initial=BadgeClassForm.initial_for(badge_class) if badge_class else None)
    groups, rows = _requirement_forms(data, city, badge_class)
    if request.method == "POST" and form.is_valid() and (locked or (groups.is_valid() and rows.is_valid())):
        payload, complete = dict(form.cleaned_data), True
        if not locked:
            payload["groups"] = groups_from(groups, rows)
            complete = not any(group.errors for group in groups)
        if complete:
            try:
                with transaction.atomic():
                    if badge_class is None:
                        badge_class = badges_api.create_class(city, payload, user=request.user)
                    else:
                        badges_api.update_class(badge_class, payload)
            except ValidationError as exc:
                apply_errors(form, exc)
                if uuid:
                    badge_class.refresh_from_db()
                else:
                    badge_class = None
            else:
                messages.success(request, _("The badge “%(name)s” was saved.") % {"name": badge_class.name})
                return redirect("cities_network_plugin:console-badge", city.slug, badge_class.uuid)
    failed = request.method == "POST"  # a POST that reached here did not save
    return _editor(request, city, badge_class, form, groups, rows, status=400 if failed else 200)


@city_view(methods=("POST",))
def badge_image(request, city, uuid):
    """Upload the class's image (checked by ``badges.images``)."""
    badge_class = _class_of(city, uuid)
    image_form = BadgeImageForm(request.POST, request.FILES, prefix="image")
    if image_form.is_valid():
        upload = image_form.cleaned_data["image"]
        try:
            badges_api.set_image(badge_class, upload.read(), filename=upload.name,
                                 declared_type=upload.content_type or "")
        except ValidationError as exc:
            image_form.add_error("image", exc.messages)
        else:
            messages.success(request, _("The image of “%(name)s” was saved.") % {"name": badge_class.name})
            return redirect("cities_network_plugin:console-badge", city.slug, badge_class.uuid)
    form = BadgeClassForm(initial=BadgeClassForm.initial_for(badge_class))
    groups, rows = _requirement_forms(None, city, badge_class)
    return _editor(request, city, badge_class, form, groups, rows, image_form=image_form, status=400)


@city_view(methods=("POST",))
def badge_status(request, city, uuid):
    """Activate a draft (a previous version is archived) or archive an active class."""
    badge_class = _class_of(city, uuid)
    action = request.POST.get("action")
    if action == "activate" and badge_class.status != BadgeStatus.ACTIVE:
        if not badge_class.groups.exists():
            messages.error(request, _("Give the badge at least one requirement before activating it."))
        else:
            badges_api.activate(badge_class)
            messages.success(request, _("“%(name)s” is active: learners can earn it.") % {"name": badge_class.name})
    elif action == "archive" and badge_class.status != BadgeStatus.ARCHIVED:
        badges_api.update_class(badge_class, {"status": BadgeStatus.ARCHIVED})
        messages.success(request, _("“%(name)s” is archived; its awards stay valid.") % {"name": badge_class.name})
    else:
        messages.error(request, _("Nothing was changed."))
    return redirect("cities_network_plugin:console-badge", city.slug, badge_class.uuid)


@city_view(methods=("POST",))
def badge_new_version(request, city, uuid):
    """Copy a class that learners hold into a new draft whose requirements can change."""
    badge_class = _class_of(city, uuid)
    try:
        copy = badges_api.new_version(badge_class, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cities_network_plugin:console-badge", city.slug, badge_class.uuid)
    messages.success(request, _("Version %(version)d of “%(name)s” was created as a draft.")
                     % {"version": copy.version, "name": copy.name})
    return redirect("cities_network_plugin:console-badge", city.slug, copy.uuid)


@city_view()
def badge_awards(request, city, uuid):
    """The class's awards; POST awards it by hand to a learner, with evidence."""
    badge_class = _class_of(city, uuid)
    form = ManualAwardForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        learner = form.cleaned_data["user"]
        try:
            badges_api.manual_award(badge_class, learner, form.cleaned_data["evidence"], awarded_by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc, {"badge_class": None})
        else:
            messages.success(request, _("%(user)s was awarded “%(name)s”.")
                             % {"user": learner.username, "name": badge_class.name})
            return redirect("cities_network_plugin:console-badge-awards", city.slug, badge_class.uuid)
    awards = [presentation.view(award, issuer="") for award in
              Award.objects.filter(badge_class=badge_class).select_related("user", "awarded_by", "badge_class")[:200]]
    return render_page(request, "badge_awards.html", city, {
        "badge_class": badge_class, "form": form, "awards": awards,
        "active": badge_class.status == BadgeStatus.ACTIVE,
    }, status=400 if form.errors else 200, nav="console-badges")


@city_view(write=permissions.ADMINISTER)
def award_revoke(request, city, uuid):
    """Revoke an award of the city's badges, with a reason (city admins and network managers)."""
    award = get_object_or_404(Award.objects.select_related("badge_class", "user"),
                              badge_class__issuer_city=city, uuid=uuid)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if engine.revoke(award, form.cleaned_data["reason"], by=request.user):
            messages.success(request, _("%(user)s's “%(name)s” was revoked.")
                             % {"user": award.user.username, "name": award.badge_class.name})
        else:
            messages.info(request, _("This badge was revoked already."))
        return redirect("cities_network_plugin:console-badge-awards", city.slug, award.badge_class.uuid)
    return render_page(request, "award_revoke.html", city, {"award": award, "form": form},
                       status=400 if form.errors else 200, nav="console-badges")
