"""Every co-op-scoped route keeps strangers out, found by walking the routes, never a hand list.

A member of another co-op is told 404, exactly as if the co-op did not exist; an anonymous
visitor is asked to authenticate. The walks read the OpenAPI document and Django's URL
resolver, so a route added later is covered the day it is added.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils.regex_helper import normalize

from fourfold.api.api import api

HOME = "home"
BODY_METHODS = {"post", "put", "patch"}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# A slug no co-op has: the outsider's answer for the home co-op must not differ from this one.
NOWHERE = "no-such-coop"


# --- The API walk -------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict = field(repr=False, compare=False)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


OPENAPI = api.get_openapi_schema()
COMPONENTS = OPENAPI.get("components", {}).get("schemas", {})


def coop_operations() -> list[Operation]:
    """Every operation whose path names a co-op."""
    return [
        Operation(method, path, spec)
        for path, item in OPENAPI["paths"].items()
        if "{slug}" in path
        for method, spec in item.items()
        if method in HTTP_METHODS
    ]


OPERATIONS = coop_operations()


def deref(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = COMPONENTS[name]
    return schema


def has_example(schema: dict) -> bool:
    schema = deref(schema)
    return "example" in schema or bool(schema.get("examples"))


def example_of(schema: dict) -> Any:
    """A plausible valid value for ``schema``: its example if it has one, else one built from
    its type and bounds. An object gets its required properties and the optional ones the
    document gives an example for."""
    schema = deref(schema)
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    for key in ("default", "const"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [deref(branch) for branch in schema[key]]
            usable = [branch for branch in branches if branch.get("type") != "null"]
            return example_of((usable or branches)[0])
    if "allOf" in schema:
        merged: dict = {}
        for part in schema["allOf"]:
            value = example_of(part)
            if not isinstance(value, dict):
                return value
            merged.update(value)
        return merged
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            name: example_of(prop)
            for name, prop in properties.items()
            if name in schema.get("required", []) or has_example(prop)
        }
    if kind == "array":
        return [example_of(schema.get("items", {}))] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return max(low, 1)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return {
        "date": date.today().isoformat(),
        "date-time": datetime.now().astimezone().isoformat(),
        "email": "someone@example.org",
        "uuid": str(uuid.UUID(int=1)),
    }.get(schema.get("format"), "x" * max(schema.get("minLength", 1), 1))


def parameters(operation: Operation, location: str) -> list[dict]:
    return [p for p in operation.spec.get("parameters", []) if p["in"] == location]


def body_for(operation: Operation) -> dict | None:
    """A body the operation's schema accepts, so validation (422) cannot answer before the
    membership check does."""
    if operation.method not in BODY_METHODS:
        return None
    content = operation.spec.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return {}
    return example_of(content["application/json"]["schema"])


def query_for(operation: Operation) -> str:
    required = {
        p["name"]: example_of(p.get("schema", {}))
        for p in parameters(operation, "query")
        if p.get("required")
    }
    return f"?{urlencode(required)}" if required else ""


def real_id(member: Client, path: str, name: str) -> Any | None:
    """The id of an item of the home co-op, read from the collection the path parameter
    indexes (``/coops/{slug}/batches/{id}`` looks in ``/coops/{slug}/batches``). An empty
    collection that takes POST gets one item, made from the documented examples."""
    collection = path.split(f"/{{{name}}}")[0]
    if "{" in collection.replace("{slug}", ""):
        return None
    operations = OPENAPI["paths"].get(collection, {})
    url = collection.replace("{slug}", HOME)

    def first(items: Any) -> Any | None:
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            return None
        return items[0].get(name, items[0].get("id"))

    if "get" in operations:
        listed = member.get(url)
        if listed.status_code == 200 and (found := first(listed.json())) is not None:
            return found
    if "post" in operations:
        created = member.post(url, body_for(Operation("post", collection, operations["post"])))
        if created.status_code in (200, 201):
            return first(created.json())
    return None


def path_values(
    operation: Operation, slug: str, member: Client | None = None
) -> tuple[dict[str, Any], bool]:
    """Values for the path parameters, and whether every one names a real object (which only
    a member can look up)."""
    values: dict[str, Any] = {"slug": slug}
    all_real = True
    for parameter in parameters(operation, "path"):
        name = parameter["name"]
        if name == "slug":
            continue
        found = real_id(member, operation.path, name) if member else None
        if found is None:
            all_real = False
            found = example_of(parameter.get("schema", {}))
        values[name] = found
    return values, all_real


def seed_home_coop(member: Client) -> None:
    """One item in every collection of the home co-op that the API can make from its
    documented examples, so ids such as 1 name real objects of the home co-op."""
    for operation in OPERATIONS:
        path_values(operation, HOME, member)


def url_for(operation: Operation, values: dict[str, Any]) -> str:
    path = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), operation.path)
    return path + query_for(operation)


def call(client: Client, operation: Operation, url: str, **extra) -> Any:
    body = body_for(operation)
    method = getattr(client, operation.method)
    if body is None:
        return method(url, **extra)
    return method(url, body, **extra)


def test_the_api_walk_finds_the_co_op_routes():
    """An empty walk would pass everything below; today's routes must all be in it."""
    found = {str(operation) for operation in OPERATIONS}
    assert len(found) >= 3
    assert {
        "GET /api/v1/coops/{slug}",
        "GET /api/v1/coops/{slug}/members",
        "POST /api/v1/coops/{slug}/invitations",
    } <= found


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_a_member_of_another_coop_is_told_it_does_not_exist(personas, api_client, operation):
    member = api_client(personas.alice)
    outsider = api_client(personas.outsider)
    values, _ = path_values(operation, HOME, member)

    response = call(outsider, operation, url_for(operation, values))

    assert response.status_code == 404, (
        f"{operation} answered {response.status_code} to a member of another co-op: "
        f"{response.content[:300]!r}. If it is 422, the walk's body for it does not validate: "
        "give the input schema examples (pydantic Field(examples=[...]))."
    )
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
    assert "detail" in response.json()
    # Indistinguishable from a co-op that does not exist: nothing tells it is there.
    nowhere = call(outsider, operation, url_for(operation, {**values, "slug": NOWHERE}))
    assert (nowhere.status_code, nowhere.json()) == (response.status_code, response.json())


@pytest.mark.parametrize("token", [None, "not-a-token"], ids=["no token", "a wrong token"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_an_anonymous_caller_is_asked_to_authenticate(personas, operation, token):
    client = Client()
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = body_for(operation)
    url = url_for(operation, path_values(operation, HOME)[0])
    method = getattr(client, operation.method)
    if body is None:
        response = method(url, **extra)
    else:
        response = method(url, body, content_type="application/json", **extra)

    assert response.status_code == 401, (operation, response.content[:300])
    assert response.json()["code"] == "unauthenticated"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "operation", [operation for operation in OPERATIONS if operation.method == "get"], ids=str
)
def test_a_member_reaches_each_read(personas, api_client, operation):
    """The other side of the boundary: the walk is real, the member gets through."""
    member = api_client(personas.alice)
    values, all_real = path_values(operation, HOME, member)
    if not all_real:
        pytest.skip(f"no object of the home co-op to name in {operation}")

    response = member.get(url_for(operation, values))
    maker = OPENAPI["paths"][operation.path].get("post")
    if response.status_code == 404 and maker is not None:
        # A read of what the member makes first at the same address (their calendar address
        # is made by POST, never by GET): make it, then read it.
        making = Operation("post", operation.path, maker)
        call(member, making, url_for(making, values))
        response = member.get(url_for(operation, values))

    assert response.status_code == 200, (operation, response.content[:300])


# --- The web walk -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    route: str
    name: str | None
    converters: dict = field(repr=False, compare=False)
    format: str = field(repr=False, compare=False)

    def __str__(self) -> str:
        return self.route


def walk(patterns, prefix: tuple = ()) -> list[tuple[tuple, URLPattern]]:
    found = []
    for entry in patterns:
        chain = (*prefix, entry)
        if isinstance(entry, URLResolver):
            # The ninja API mounts its own resolver; the API walk above covers it.
            if entry.app_name == "ninja":
                continue
            found += walk(entry.url_patterns, chain)
        else:
            found.append((chain, entry))
    return found


def coop_pages() -> list[Page]:
    """Every web URL pattern with a ``slug`` kwarg: the pages of one co-op (``/c/<slug>/…``)."""
    pages = []
    for chain, pattern in walk(get_resolver().url_patterns):
        converters: dict = {}
        route = ""
        template = ""
        for entry in chain:
            converters.update(getattr(entry.pattern, "converters", {}))
            for name in entry.pattern.regex.groupindex:
                converters.setdefault(name, None)
            route += str(entry.pattern)
            template += normalize(entry.pattern.regex.pattern.removeprefix("^"))[0][0]
        if "slug" not in converters:
            continue
        pages.append(Page(route=route, name=pattern.name, converters=converters, format=template))
    return pages


PAGES = coop_pages()
# Pages that moved, and where a member is sent now.
MOVED = {"reminders": "/notifications/"}


def kwarg_value(name: str, converter: Any) -> Any:
    if name == "slug":
        return HOME
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    return "x"


def page_url(page: Page) -> tuple[str, bool]:
    """The page's URL for the home co-op, and whether ``slug`` is its only kwarg (so a 404
    for a member surely means something). Other kwargs get generic values: an integer id of
    1 names what ``seed_home_coop`` made, when it could."""
    kwargs = {name: kwarg_value(name, conv) for name, conv in page.converters.items()}
    url = "/" + page.format % kwargs
    assert resolve(url).route == page.route, f"{url} does not lead back to {page}"
    return url, set(kwargs) == {"slug"}


def test_the_web_walk_finds_the_co_op_pages():
    found = {page.route for page in PAGES}
    assert len(found) >= 3
    assert {"c/<slug:slug>/", "c/<slug:slug>/members/", "c/<slug:slug>/invitations/"} <= found
    assert reverse("web:coop_detail", kwargs={"slug": HOME}) in {page_url(p)[0] for p in PAGES}


@pytest.fixture
def seeded(personas, api_client):
    seed_home_coop(api_client(personas.alice))
    return personas


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_a_member_of_another_coop_gets_a_404_page(seeded, client, page, method):
    personas = seeded
    url, _ = page_url(page)
    client.force_login(personas.outsider)

    response = getattr(client, method)(url)

    if response.status_code == 405:
        # The page refuses the method itself (POST-only, say), for everyone: that tells
        # nothing about the co-op. A member must get the same answer.
        member = Client()
        member.force_login(personas.alice)
        assert getattr(member, method)(url).status_code == 405, (page, method)
        return
    assert response.status_code == 404, (page, method, response.status_code)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_an_anonymous_visitor_is_sent_to_log_in(personas, client, page, method):
    url, _ = page_url(page)

    response = getattr(client, method)(url)

    if response.status_code in (401, 404):
        return
    assert response.status_code == 302, (page, method, response.status_code)
    location = urlsplit(response["Location"])
    assert location.path == reverse("web:login")
    assert parse_qs(location.query) == {"next": [url]}


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_a_member_reaches_each_page(seeded, client, page):
    url, only_slug = page_url(page)
    client.force_login(seeded.alice)

    response = client.get(url)

    if response.status_code == 404 and not only_slug:
        pytest.skip(f"no object of the home co-op to name in {page}")
    if page.name in MOVED:
        assert (response.status_code, response["Location"]) == (301, MOVED[page.name])
        return
    assert response.status_code in (200, 405), (page, response.status_code)
