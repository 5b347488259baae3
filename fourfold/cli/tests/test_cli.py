"""The ``fourfold`` command, run as a user runs it: in a subprocess with its own data dir."""

import io
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import timezone

from fourfold.accounts.models import User
from fourfold.cli import demo, demo_story
from fourfold.consumption import selectors as consumption_selectors
from fourfold.consumption.models import Allocation
from fourfold.coops.models import Cooperative, Membership
from fourfold.ledger import selectors, statements
from fourfold.ledger.models import Account

FOURFOLD = [sys.executable, "-m", "fourfold"]


def run(args, env, **kwargs):
    return subprocess.run(
        [*FOURFOLD, *args], env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def test_help_lists_the_commands(fresh_env):
    result = run(["--help"], fresh_env)
    assert result.returncode == 0
    for command in ("demo", "serve", "manage"):
        assert command in result.stdout


def test_the_console_script_is_the_same_program(fresh_env):
    script = Path(sys.executable).with_name("fourfold")
    result = subprocess.run(
        [str(script), "--help"], env=fresh_env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout == run(["--help"], fresh_env).stdout


def test_manage_runs_django_commands(fresh_env):
    result = run(["manage", "check"], fresh_env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_demo_builds_once_and_reuses_on_a_second_run(fresh_env):
    first = run(["demo", "--no-serve"], fresh_env)
    assert first.returncode == 0, first.stderr
    assert "Built the demo co-ops" in first.stdout
    assert demo_story.DEMO_PASSWORD in first.stdout
    second = run(["demo", "--no-serve"], fresh_env)
    assert second.returncode == 0, second.stderr
    assert "Reusing the demo co-ops" in second.stdout
    for output in (first.stdout, second.stdout):
        # Said at once, built or reused: before the migrations, the build and the logins.
        assert output.startswith("Getting the demo ready")
        assert "(/c/somerville/): log in as dee, eli, flo" in output
        assert "(/c/bike-kitchen/): log in as dee, eli, ana, gus, nia, oli, pat, raj" in output


def test_the_demo_says_it_is_starting_before_any_heavy_work(monkeypatch, capsys):
    from fourfold.cli import main

    class Stopped(Exception):
        pass

    def heavy_work_begins():
        # Loading Django is the first slow step; migrating and building come after it.
        raise Stopped(capsys.readouterr().out)

    monkeypatch.setattr(main, "_setup_django", heavy_work_begins)
    for argv in (["demo", "--no-serve"], ["demo"]):
        with pytest.raises(Stopped) as stopped:
            main.main(argv)
        [first_line] = str(stopped.value).splitlines()
        assert first_line.startswith("Getting the demo ready")


@pytest.mark.django_db
def test_the_demo_coop_has_twelve_active_members_and_is_never_duplicated():
    demo.build()
    # A visitor changed the passwords of a member of both co-ops and of one of the bike kitchen.
    for username in ("flo", "nia"):
        visited = User.objects.get(username=username)
        visited.set_password("changed by a visitor")
        visited.save()
    coop, built = demo.build()
    assert not built
    assert Cooperative.objects.filter(slug="somerville").count() == 1
    # The members raised the batch from 20 to 24 quarts by a rule change.
    assert (coop.target_quantity, coop.producers_per_batch, coop.cadence) == (
        24,
        2,
        "FREQ=WEEKLY;BYDAY=SU",
    )
    # Twelve founding members, and Mo, admitted by a vote during the year.
    assert Membership.objects.filter(coop=coop, status="active").count() == 13
    assert User.objects.get(username="flo").check_password(demo_story.DEMO_PASSWORD)
    assert User.objects.get(username="nia").check_password(demo_story.DEMO_PASSWORD)


@pytest.mark.django_db
def test_the_demo_prints_the_logins_of_every_member_of_each_coop():
    out = io.StringIO()
    demo.run(stdout=out)
    lines = out.getvalue().splitlines()
    for coop in Cooperative.objects.filter(slug__in=["somerville", "bike-kitchen"]):
        [line] = [line for line in lines if f"(/c/{coop.slug}/): log in as " in line]
        printed = line.split(": log in as ", 1)[1].split(", ")
        members = Membership.objects.filter(coop=coop).values_list("user__username", flat=True)
        assert sorted(printed) == sorted(members)
        for username in printed:
            assert User.objects.get(username=username).check_password(demo_story.DEMO_PASSWORD)
    assert demo_story.DEMO_PASSWORD in lines[-1]


@pytest.mark.django_db
def test_the_demo_coops_were_founded_and_joined_before_their_first_batch():
    demo.build()
    for coop in Cooperative.objects.filter(slug__in=["somerville", "bike-kitchen"]):
        today = timezone.now().astimezone(coop.zone).date()
        founded = coop.founded_at.astimezone(coop.zone).date()
        first_batch = coop.batches.order_by("date").first().date
        first_pay_in = coop.transactions.order_by("occurred_on").first().occurred_on
        # About a year ago, before any money or yogurt changed hands.
        assert today - timedelta(days=372) <= founded < first_pay_in <= first_batch
        founders = Membership.objects.filter(coop=coop).exclude(user__username="mo")
        assert founders.count() >= 8
        assert {m.joined_on for m in founders} == {founded}
    mo = Membership.objects.get(coop__slug="somerville", user__username="mo")
    yogurt = Cooperative.objects.get(slug="somerville")
    assert yogurt.founded_at.astimezone(yogurt.zone).date() < mo.joined_on < today


@pytest.mark.django_db
def test_the_demo_settles_up_on_the_evening_it_happened_and_everyone_is_even_then():
    coop, _built = demo.build()
    today = timezone.now().astimezone(coop.zone).date()
    transfers = coop.transactions.filter(kind="transfer", description="Settle-up")
    assert transfers.count() >= 5
    assert not coop.transactions.filter(occurred_on=today).exists()
    mid_year, a_month_ago = sorted(set(transfers.values_list("occurred_on", flat=True)))
    # Half-way through the year, and again a month ago, on the evening of that week's batch.
    assert today - timedelta(days=189) <= mid_year <= today - timedelta(days=176)
    assert today - timedelta(days=34) <= a_month_ago <= today - timedelta(days=21)
    for settled_on in (mid_year, a_month_ago):
        assert coop.batches.filter(date=settled_on, status="made").exists()
        # Every member's statement reads 0.00 after the settle-up, and the pool is empty then.
        for member in [*demo_story.DEMO_MEMBERS, "mo"]:
            user = User.objects.get(username=member)
            legs = statements.statement(coop=coop, member=user).filter(
                transaction__occurred_on__lte=settled_on
            )
            if legs.exists():
                assert legs.first().running_total == 0, (member, settled_on)
        pool = coop.accounts.get(kind=Account.Kind.POOL)
        held = pool.legs.filter(transaction__occurred_on__lte=settled_on).aggregate(
            total=Sum("amount_minor")
        )
        assert held["total"] == 0


@pytest.mark.django_db
def test_the_demo_shows_an_entry_waiting_for_its_payer_and_one_declined_with_a_reason():
    coop, _built = demo.build()
    kai = User.objects.get(username="kai")
    [honey] = statements.waiting_for(coop=coop, member=kai)
    assert (honey.payer, honey.entered_by.username) == (kai, "jo")
    assert statements.entry_status(honey).awaiting == ["kai"]
    [declined] = [
        entry
        for entry in statements.transactions(coop=coop)
        if statements.entry_status(entry).status == "declined"
    ]
    assert "Flo bought those jars" in statements.entry_status(declined).reason
    # Everything else moved money: every payment out of the pool and every settle-up was
    # confirmed by the member it waited for.
    waiting = {t.pk for t in statements.transactions(coop=coop).pending()}
    assert waiting == {honey.pk}
    kitchen = Cooperative.objects.get(slug="bike-kitchen")
    assert not statements.transactions(coop=kitchen).pending().exists()


@pytest.mark.django_db
def test_in_the_demo_most_shares_are_collected_within_the_pickup_window():
    demo.build()
    now = timezone.now()
    for coop in Cooperative.objects.filter(slug__in=["somerville", "bike-kitchen"]):
        waste = consumption_selectors.waste(coop=coop)
        assert waste.allocated_units >= 300
        # Now and then a share is forgotten, but far from every week.
        assert 0 < waste.uncollected_units < 0.2 * waste.allocated_units
        allocations = Allocation.objects.filter(batch__coop=coop, units__gt=0).select_related(
            "batch", "member"
        )
        for allocation in allocations.exclude(collected_at=None):
            day = allocation.batch.date
            picked = allocation.collected_at.astimezone(coop.zone)
            assert day <= picked.date() < day + timedelta(days=coop.pickup_days)
            assert picked < now
        for member in {allocation.member for allocation in allocations}:
            mine = allocations.filter(member=member)
            assert mine.exclude(collected_at=None).count() >= 0.8 * mine.count(), member


@pytest.mark.django_db
def test_the_demo_has_a_year_of_money_that_balances():
    coop, _built = demo.build()
    state = selectors.books(coop=coop)
    assert state.balanced and state.members_total == state.pool + state.unallocated
    kinds = set(coop.transactions.values_list("kind", flat=True))
    assert kinds == {"contribution", "expense", "cost_allocation", "batch_charge", "transfer"}
    assert state.unallocated == 0
    assert coop.transactions.filter(kind="expense", category="ingredients").count() >= 52
    assert coop.transactions.filter(description="Settle-up").exists()
    assert len({e.payer_id for e in coop.transactions.filter(kind="expense")}) >= 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_gunicorn_with_static_files_over_plain_http(fresh_env):
    assert run(["manage", "migrate", "--noinput"], fresh_env).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [*FOURFOLD, "serve", "--port", str(port), "--workers", "1"],
        env=fresh_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
                    page = response.read().decode()
                    server_header = response.headers.get("Server", "")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert "gunicorn" in server_header.lower()
        # Its own control socket, in its own data directory: not one file for the machine.
        assert (Path(fresh_env["FOURFOLD_DATA_DIR"]) / "gunicorn.ctl").exists()
        stylesheet = page.split('rel="stylesheet" href="')[1].split('"')[0]
        assert ".classless." in stylesheet and stylesheet.count(".") >= 3  # hashed name
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet}") as response:
            assert response.status == 200
            assert "max-age" in response.headers["Cache-Control"]
        # The service worker names the hashed static files the server collected.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sw.js") as response:
            assert response.status == 200
            assert stylesheet in response.read().decode()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Collecting static files" in output


def test_serve_refuses_an_unmigrated_database(fresh_env):
    result = run(["serve", "--port", str(_free_port())], fresh_env)
    assert result.returncode != 0
    assert "fourfold manage migrate" in result.stderr


@pytest.mark.parametrize(
    "url, named",
    [
        ("postgress://someone@127.0.0.1/coop", "DATABASE_URL is not a database address"),
        ("postgres://postgres@127.0.0.1:{port}/coop", "cannot reach the database 127.0.0.1:"),
    ],
    ids=["misspelt", "unreachable"],
)
def test_serve_names_a_wrong_database_url_in_one_line(fresh_env, url, named):
    result = run(
        ["serve", "--port", str(_free_port())],
        {**fresh_env, "DATABASE_URL": url.format(port=_free_port())},
    )

    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_keeps_its_control_socket_in_the_data_directory(settings, tmp_path):
    from fourfold.cli.serve import gunicorn_options

    settings.DATA_DIR = tmp_path / "data"
    options = gunicorn_options(host="127.0.0.1", port=8000, workers=1)

    assert options["control_socket"] == str(tmp_path / "data" / "gunicorn.ctl")


def test_serve_has_no_control_socket_rather_than_a_shared_one_when_the_path_is_too_long(
    settings, tmp_path
):
    from fourfold.cli.serve import gunicorn_options

    settings.DATA_DIR = tmp_path / ("d" * 120)
    options = gunicorn_options(host="127.0.0.1", port=8000, workers=1)

    assert "control_socket" not in options
    assert options["control_socket_disable"] is True


def test_serve_bounds_the_request_line_and_headers():
    from fourfold.api.middleware import MAX_HEADER_LENGTH, MAX_URL_LENGTH
    from fourfold.cli.serve import gunicorn_options

    options = gunicorn_options(host="127.0.0.1", port=8000, workers=1)

    # Above the API's own limits, which answer in JSON first.
    assert options["limit_request_line"] > MAX_URL_LENGTH
    assert options["limit_request_field_size"] > MAX_HEADER_LENGTH
    assert options["limit_request_fields"] == 100


def test_check_deploy_is_clean_with_production_settings(fresh_env):
    env = {
        **fresh_env,
        "DEBUG": "0",
        "FOURFOLD_HTTPS": "1",
        "FOURFOLD_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "coop.example.org",
    }
    result = run(["manage", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_typo_in_a_boolean_setting_is_refused(fresh_env):
    result = run(["manage", "check"], {**fresh_env, "DEBUG": "ture"})
    assert result.returncode != 0
    assert "DEBUG='ture' is not a boolean" in result.stderr


@pytest.mark.django_db
def test_the_demo_has_a_year_of_production_shared_fairly():
    from collections import Counter

    from fourfold.production.models import Batch, Shift, Swap

    coop, _built = demo.build()
    statuses = Counter(Batch.objects.filter(coop=coop).values_list("status", flat=True))
    assert statuses["made"] >= 50
    assert statuses["missed"] == 1
    assert statuses["planned"] == 8
    done = Counter(
        Shift.objects.filter(batch__coop=coop, done=True).values_list("member__username", flat=True)
    )
    # Producers as consumers: over the year, those who take two quarts a week produce more
    # than those who take one.
    doubles = [done[name] for name, units in demo.DEMO_SHARES.items() if units == 2]
    singles = [done[name] for name, units in demo.DEMO_SHARES.items() if units == 1]
    assert min(doubles) > max(singles)
    assert Swap.objects.filter(shift__batch__coop=coop, status="open").count() == 1


@pytest.mark.django_db
def test_the_demo_also_runs_a_service_coop_on_the_same_four_roles():
    from fourfold.insights import principles

    demo.build()
    kitchen = Cooperative.objects.get(slug="bike-kitchen")
    assert (kitchen.unit, kitchen.target_quantity, kitchen.producers_per_batch) == (
        "repair slot",
        8,
        2,
    )
    assert kitchen.batches.filter(status="made").count() >= 50
    assert {p.name for p in principles.principles_audit(coop=kitchen)} >= {"self_funded"}


@pytest.mark.django_db
def test_in_the_demo_hal_has_drifted_out_of_producing():
    from fourfold.insights import selectors as insights

    coop, _built = demo.build()
    roles = {r.username: r for r in insights.member_roles(coop=coop)}
    assert roles["hal"].producer.status == "absent"
    assert roles["hal"].consumer.status == "active"
