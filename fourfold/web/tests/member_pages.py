"""Every page a member reaches, one list for the checks that walk them all: the service words
(``test_service_words.py``) and the crawl of each language (``test_browser_languages.py``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Places:
    """What a member's pages are about in one co-op: a member's username and the ids of the
    things their pages show."""

    slug: str
    member: str
    made: int  # a batch made, with its pick-up list
    planned: int  # a batch still to make
    proposal: int
    expense: int  # an entry with receipts
    spread: int  # an entry spread over batches


def member_pages(places: Places) -> list[str]:
    slug = f"/c/{places.slug}"
    return [
        "/week/",
        f"{slug}/",
        f"{slug}/dashboard/",
        f"{slug}/members/",
        f"{slug}/members/{places.member}/",
        f"{slug}/production/",
        f"{slug}/production/batches/{places.planned}/",
        f"{slug}/production/batches/{places.made}/",
        f"{slug}/production/shifts/",
        f"{slug}/production/availability/",
        f"{slug}/production/swaps/",
        f"{slug}/shares/",
        f"{slug}/shares/batch/",
        f"{slug}/shares/batches/{places.made}/",
        f"{slug}/batches/{places.made}/pickups/",
        f"{slug}/shares/costs/",
        f"{slug}/ledger/",
        f"{slug}/decisions/",
        f"{slug}/decisions/log/",
        f"{slug}/activity/",
        "/notifications/",
        f"{slug}/settings/",
        f"{slug}/settings/?rule=general_cost_mode",
        f"{slug}/decisions/{places.proposal}/",
        f"{slug}/ledger/expense/",
        f"{slug}/ledger/pay-in/",
        f"{slug}/ledger/settle/",
        f"{slug}/ledger/statement/",
        f"{slug}/ledger/budget/",
        f"{slug}/ledger/recurring/",
        f"{slug}/ledger/transactions.csv",
        f"{slug}/ledger/balances.csv",
        f"{slug}/ledger/transactions/{places.expense}/receipts/",
        f"{slug}/ledger/transactions/{places.spread}/",
        f"{slug}/shares/membership/leave/",
        "/coops/",
        "/account/language/",
        "/account/tokens/",
    ]
