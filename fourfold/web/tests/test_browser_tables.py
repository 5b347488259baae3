"""The money and shares tables, read on a phone: every row whole on a 390 px screen, no table
scrolling sideways, the column that says who paid whom (or what it costs me) in sight; and the
same tables still laid out as tables on a wide screen."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fourfold.ledger import corrections as ledger_corrections
from fourfold.ledger import services as ledger
from fourfold.ledger.models import Transaction
from fourfold.production.models import Batch
from fourfold.testing import PASSWORD, CoopFactory, MembershipFactory
from fourfold.web.tests.histories import build_history
from fourfold.workflows import money as money_flow

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1024, "height": 800}  # the narrowest screen with room for the tables


def log_in_to(page, username: str, path: str) -> None:
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def screenshots(artifacts_dir) -> Path:
    """Where the pages are photographed; FOURFOLD_SCREENSHOTS points elsewhere to compare."""
    directory = Path(os.environ.get("FOURFOLD_SCREENSHOTS") or artifacts_dir)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def riverside(db):
    """Eight Sundays of batches behind Dee, Eli, Flo and Margaretha (whose long name is the
    widest), each paid for in turn; then the things a ledger also holds: a payment in, a
    transfer between two members, one from the pool, a general expense and a reversal."""
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    people = [
        MembershipFactory(coop=coop, user__username=name).user
        for name in ("dee", "eli", "margaretha", "flo")
    ]
    dee, eli, margaretha, _flo = people
    build_history(coop, people, weeks=8, missed=(3,))
    ledger.contribution_post(coop=coop, payer=dee, amount="120.00", entered_by=dee)
    ledger.transfer_post(
        coop=coop,
        payer=margaretha,
        payee=eli,
        amount="1234.56",
        entered_by=margaretha,
        description="settling up for the spring",
    )
    ledger.transfer_post(coop=coop, payer=None, payee=dee, amount="20.00", entered_by=eli)
    money_flow.expense_post(
        coop=coop,
        payer=None,
        amount="45.00",
        category="supplies",
        supplier="Valley Farm Dairy Supplies",
        description="jars and lids",
        entered_by=dee,
    )
    mistake = ledger.contribution_post(coop=coop, payer=eli, amount="6.00", entered_by=eli)
    ledger_corrections.transaction_reverse(original=mistake, entered_by=eli, reason="paid in twice")
    return coop


def older_batch(coop) -> Batch:
    return Batch.objects.filter(coop=coop, status=Batch.Status.MADE).order_by("date")[1]


# Each page, and the column on it a member must see without scrolling: by its header.
PAGES = [
    ("ledger", lambda coop: "/c/riverside/ledger/", "Transactions", "From → to"),
    ("statement", lambda coop: "/c/riverside/ledger/statement/", "newest first", "Balance"),
    ("costs", lambda coop: "/c/riverside/shares/costs/", "batches made", "My cost"),
    ("batch", lambda coop: "/c/riverside/shares/batch/", "shares", "Collected"),
    (
        "batch-detail",
        lambda coop: f"/c/riverside/shares/batches/{older_batch(coop).pk}/",
        "shares",
        "Collected",
    ),
]

# How wide each table's content is, against the room its parent leaves it (inside its padding).
TABLE_WIDTHS = """() => [...document.querySelectorAll('main table')].map((table) => {
    const parent = table.parentElement;
    const style = getComputedStyle(parent);
    return {
        caption: table.caption ? table.caption.textContent.trim() : '',
        width: table.scrollWidth,
        room: parent.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
    };
})"""

# The cells under the column headed ``header`` in the table captioned with ``caption``: where
# they are on the screen, and their text.
COLUMN = """([caption, header]) => {
    const table = [...document.querySelectorAll('main table')]
        .find((t) => t.caption && t.caption.textContent.includes(caption));
    const headers = [...table.tHead.rows[0].cells];
    const index = headers.findIndex((th) => th.textContent.trim() === header);
    return [...table.tBodies[0].rows].map((row) => {
        const box = row.cells[index].getBoundingClientRect();
        return {
            text: row.cells[index].innerText.trim(),
            left: box.left, right: box.right, width: box.width, height: box.height,
        };
    });
}"""


@pytest.mark.parametrize(("name", "path_of", "caption", "header"), PAGES)
def test_every_table_fits_a_phone_with_its_key_column_in_sight(
    riverside, new_page, check_page, screenshots, name, path_of, caption, header
):
    page = new_page()
    log_in_to(page, "margaretha", "/c/riverside/")
    page.goto(path_of(riverside))
    expect(page.get_by_role("table", name=caption).first).to_be_visible()
    check_page(page)
    page.screenshot(path=screenshots / f"{name}-390-page.png", full_page=True)
    page.get_by_role("table", name=caption).first.evaluate("(t) => t.scrollIntoView()")
    page.screenshot(path=screenshots / f"{name}-390.png")

    for table in page.evaluate(TABLE_WIDTHS):
        assert table["width"] <= table["room"], f"{name}: {table} scrolls sideways"
    viewport = page.viewport_size["width"]
    cells = page.evaluate(COLUMN, [caption, header])
    assert cells, f"{name}: no rows under {header}"
    for cell in cells:
        assert cell["width"] > 0 and cell["height"] > 0, f"{name}: {header} {cell} is hidden"
        assert cell["left"] >= 0 and cell["right"] <= viewport, f"{name}: {cell} is off screen"


def test_the_ledger_says_who_paid_whom_and_when_in_the_days_of_the_other_pages(riverside, new_page):
    page = new_page()
    log_in_to(page, "dee", "/c/riverside/ledger/")
    transactions = page.get_by_role("table", name="Transactions")
    transfer = transactions.get_by_role("row").filter(has_text="settling up")
    # The column's name drawn beside the cell on a phone is not read out as part of it: screen
    # readers announce the column header, which is still there.
    expect(transfer.get_by_role("cell", name="margaretha → eli", exact=True)).to_be_visible()
    expect(transactions.get_by_role("columnheader", name="From → to", exact=True)).to_have_count(1)
    reversal = transactions.get_by_role("row").filter(has_text="paid in twice")
    expect(reversal).to_contain_text("reverses #")
    # The days read as on the production and shares pages: Sun 22 Nov 2026.
    day = Transaction.objects.filter(coop=riverside).latest("pk").occurred_on
    expect(reversal).to_contain_text(f"{day:%a} {day.day} {day:%b %Y}")


@pytest.mark.parametrize(("name", "path_of", "caption", "header"), PAGES)
def test_on_a_wide_screen_the_tables_stay_tables(
    riverside, new_page, check_page, screenshots, name, path_of, caption, header
):
    page = new_page()
    page.set_viewport_size(DESKTOP)
    log_in_to(page, "margaretha", "/c/riverside/")
    page.goto(path_of(riverside))
    table = page.get_by_role("table", name=caption).first
    expect(table.get_by_role("columnheader", name=header, exact=True)).to_be_visible()
    page.screenshot(path=screenshots / f"{name}-1024.png", full_page=True)
    # A row's cells sit side by side, on one line.
    tops = table.locator("tbody tr").first.evaluate(
        "(row) => [...row.cells].map((cell) => Math.round(cell.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, f"{name}: the cells of a row are stacked: {tops}"
    for each in page.evaluate(TABLE_WIDTHS):
        assert each["width"] <= each["room"], f"{name}: {each} scrolls sideways"


@pytest.fixture
def a_year_on(db, time_machine):
    """A co-op with more than a year of Sundays behind it: its charts show twelve months,
    across a new year. Seen on a Wednesday in mid-June, so that twelve months with a batch
    due end in this one (on the first of a month, the month has nothing due yet)."""
    time_machine.move_to("2026-06-17T16:00:00Z", tick=True)
    coop = CoopFactory(slug="riverside", name="Riverside Yogurt")
    people = [
        MembershipFactory(coop=coop, user__username=name).user for name in ("dee", "eli", "flo")
    ]
    build_history(coop, people, weeks=56)
    return coop


# Every label under the month charts' axes: its text, its kind (month or year) and its box.
AXIS_LABELS = """(chart) => [...chart.querySelectorAll('text.month, text.year')].map((text) => {
    const box = text.getBoundingClientRect();
    return {text: text.textContent, kind: text.getAttribute('class'),
            left: box.left, right: box.right, top: box.top, bottom: box.bottom};
})"""


def test_the_month_charts_label_their_axis_without_labels_running_together(
    a_year_on, new_page, check_page, screenshots
):
    page = new_page()
    log_in_to(page, "dee", "/c/riverside/dashboard/")
    check_page(page)
    for name in ("Consistency per month", "Cost per quart, month by month"):
        chart = page.get_by_role("img", name=name, exact=True)
        chart.scroll_into_view_if_needed()
        page.screenshot(path=screenshots / f"chart-{name.split()[0].lower()}-390.png")
        labels = chart.evaluate(AXIS_LABELS)
        months = [label for label in labels if label["kind"] == "month"]
        years = [label["text"] for label in labels if label["kind"] == "year"]
        assert len(months) == 12, f"{name}: {months}"
        # The year under the first month and where it changes, each once.
        assert len(years) == 2 and years[0] != years[1], f"{name}: {years}"
        for first, second in itertools.combinations(labels, 2):
            overlap = (
                first["left"] < second["right"] + 2
                and second["left"] < first["right"] + 2
                and first["top"] < second["bottom"]
                and second["top"] < first["bottom"]
            )
            assert not overlap, f"{name}: {first} runs into {second}"
