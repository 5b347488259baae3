"""The co-op's activity: everything that changed and who did it, open to every member."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from fourfold.coops.activity import KINDS, ActivityLog
from fourfold.coops.selectors import coop_members
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page

ACTIVITY_PER_PAGE = 50
SECTION = "activity"


class ActivityFilterForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, members: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        member, kind = (cast(forms.ChoiceField, self.fields[name]) for name in ("member", "kind"))
        member.choices = [("", _("Everyone")), *((name, name) for name in members)]
        kind.choices = [("", _("Everything")), *KINDS.items()]


@login_required
def activity(request: MemberRequest, slug: str) -> HttpResponse:
    coop = coop_for_page(request, slug)
    # Former members stay in the list: what they did is still the co-op's history.
    members = [row.user.username for row in coop_members(coop=coop, include_left=True)]
    filters = ActivityFilterForm(request.GET or None, members=members)
    # A filter that does not validate is left out; the form shows why.
    filters.is_valid()
    values = getattr(filters, "cleaned_data", {})
    log = ActivityLog(
        coop=coop, actor_username=values.get("member") or None, kind=values.get("kind") or None
    )
    page = Paginator(log, ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/activity.html",
        {
            "coop": coop,
            "section": SECTION,
            "filters": filters,
            "filtered": bool(values.get("member") or values.get("kind")),
            "page": page,
        },
    )
