"""One money entry, with its history: who entered it, who confirmed, declined or reversed it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fourfold.coops.activity import entry_history
from fourfold.ledger import endings, selectors, statements
from fourfold.web.requests import MemberRequest
from fourfold.web.views.common import coop_for_page


@login_required
def entry(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    coop = coop_for_page(request, slug)
    item = statements.transaction_for_coop(coop=coop, pk=pk)
    if item is None:
        raise Http404(_("No such entry in this co-op."))
    spread = getattr(item, "spread", None)
    ending = selectors.spread_ending(spread) if spread is not None else None
    return render(
        request,
        "web/ledger_entry.html",
        {
            "coop": coop,
            "section": "ledger",
            "item": item,
            "status": statements.entry_status(item),
            "spread": selectors.spread_schedule(item),
            "ending": ending,
            "rest": selectors.spread_rest(item, ending) if ending is not None else None,
            "endable": spread is not None and ending is None and endings.spread_endable(item),
            "history": entry_history(coop=coop, transaction_ids=statements.entry_family(item)),
        },
    )
