"""Fixtures shared by every test: users, clients, a real Celery worker and a real browser."""

from __future__ import annotations

import ast
import itertools
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# A test that uses one of these fixtures must carry one of the markers beside it, so that
# `make test-fast` (`-m "not (browser or worker or live or slow or subprocess)"`) leaves it out.
FIXTURE_MARKERS: dict[str, tuple[str, ...]] = {
    "page": ("browser",),
    "browser": ("browser",),
    "celery_worker": ("worker",),
    "live_server": ("browser", "live"),
}
# A test may start a process (subprocess.Popen) only under one of these markers.
PROCESS_MARKERS = frozenset({"subprocess", "worker", "browser", "makerun"})
# `make test-fast` (DLP_TEST_LANE=fast) leaves out every test carrying one of these markers.
FAST_EXCLUDED = frozenset({"browser", "worker", "live", "subprocess", "redis", "slow", "makerun"})
FAST_LANE = os.environ.get("DLP_TEST_LANE", "") == "fast"


# The sizes a query-count test runs at. The fast lane's two show a count that does not grow (a
# query a row is 90 more at 100 rows than at 10); `make test` adds 1,000, 100x the bundled data.
SCALES = (10, 100, pytest.param(1000, marks=pytest.mark.slow, id="1000"))


def grid(first: Iterable[str], *others: Iterable[str]) -> list:
    """Every combination of the values as parameters. The fast lane takes each value of `first`
    once, the value of each other list turning with it, so that every value of every list is
    taken when `first` is the longest; `make test` takes the whole grid. For a matrix whose every
    cell costs a page or a training step (every question type under every behaviour): a cell a
    row catches a value that breaks on its own, the whole grid what only a combination breaks."""
    lists = [list(first), *(list(o) for o in others)]
    if any(len(values) > len(lists[0]) for values in lists):
        raise ValueError("grid(): put the longest list first, or some of its values go untested")
    params = []
    for cell in itertools.product(*(range(len(values)) for values in lists)):
        diagonal = all(
            i == cell[0] % len(values) for i, values in zip(cell[1:], lists[1:], strict=True)
        )
        params.append(
            pytest.param(
                *(values[i] for i, values in zip(cell, lists, strict=True)),
                id="-".join(str(values[i]) for i, values in zip(cell, lists, strict=True)),
                marks=() if diagonal else pytest.mark.slow,
            )
        )
    return params


def module_markers(source: str) -> set[str]:
    """The X of each `pytest.mark.X` in a module's `pytestmark = ...`, read without importing it."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            for sub in ast.walk(node.value):
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.value, ast.Attribute)
                    and sub.value.attr == "mark"
                ):
                    names.add(sub.attr)
    return names


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """In the fast lane, a module marked as a whole with a left-out marker is not even imported:
    its imports (schemathesis building the API schema, Playwright) were most of the collection."""
    if (
        not FAST_LANE
        or collection_path.suffix != ".py"
        or not collection_path.name.startswith("test_")
    ):
        return None
    if module_markers(collection_path.read_text()) & FAST_EXCLUDED:
        return True
    return None


def missing_markers(fixturenames: Iterable[str], markers: Iterable[str]) -> list[str]:
    """The fixtures a test uses whose marker it lacks, as "fixture (needs a or b)"."""
    have = set(markers)
    return [
        f"{name} (needs @pytest.mark.{' or @pytest.mark.'.join(needed)})"
        for name, needed in FIXTURE_MARKERS.items()
        if name in fixturenames and not have.intersection(needed)
    ]


def pytest_collection_modifyitems(config, items) -> None:
    """Fail the run on a test whose fixtures need a marker it lacks; keep `makerun` tests to their
    lane (DLP_TEST_STACK=makerun, the stack of `make run`)."""
    unmarked: dict[str, str] = {}
    for item in items:
        missing = missing_markers(item.fixturenames, (m.name for m in item.iter_markers()))
        if missing:
            unmarked[item.nodeid] = f"  {item.nodeid}: {', '.join(missing)}"
    if unmarked:
        raise pytest.UsageError(
            "tests that start a browser, a worker or a live server without their marker:\n"
            + "\n".join(unmarked.values())
        )
    lane = os.environ.get("DLP_TEST_STACK", "") == "makerun"
    keep, drop = [], []
    for item in items:
        marks = {m.name for m in item.iter_markers()}
        wanted = ("makerun" in marks) == lane and not (FAST_LANE and marks & FAST_EXCLUDED)
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _no_unmarked_processes(request, monkeypatch) -> None:
    """An unmarked test that starts a process fails here, not by being slow in the fast lane."""
    if any(m.name in PROCESS_MARKERS for m in request.node.iter_markers()):
        return

    def refuse(self, args, *rest, **kwargs):
        pytest.fail(
            f"{request.node.nodeid} started a process ({args!r}) without "
            "@pytest.mark.subprocess (or worker/browser)",
            pytrace=False,
        )

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


def broker_consumers(url: str) -> list[str]:
    """Clients of the Redis database of `url` that wait for its messages as a Celery worker does:
    blocked in BRPOP on a queue (flag b) or subscribed to the control channel. "addr (cmd)"."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    db = int(client.connection_pool.connection_kwargs.get("db", 0))
    try:
        clients = client.client_list()
    except redis.RedisError:
        return []  # a Redis that is down fails the tests that need it, with its own message
    finally:
        client.close()
    return [
        f"{c['addr']} ({c['cmd']} for {c.get('idle', '?')} s)"
        for c in clients
        if int(c.get("db", -1)) == db
        and ("b" in c.get("flags", "") or int(c.get("sub", 0)) or int(c.get("psub", 0)))
    ]


def pytest_sessionstart(session) -> None:
    """Refuse to run on a broker database that a Celery worker already consumes: its worker would
    take this run's tasks (and run them on another database), failing the tests obscurely."""
    from django.conf import settings

    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        return
    consumers = broker_consumers(url)
    if consumers:
        raise pytest.UsageError(
            f"another Celery worker is consuming this test run's broker, {url}:\n  "
            + "\n  ".join(consumers)
            + "\nStop it (a test run left behind? `celery -A dlplatform inspect ping -b "
            f"{url}` names it), or give this run its own Redis databases: TEST_REDIS_DB=<0..7> "
            "(the broker; the cache is TEST_REDIS_DB + 8; see dlplatform/settings_test.py)."
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test that makes another Celery app the current one fails here, by name: every later
    `shared_task` of its process would be sent through that app (its broker, its default queue
    "celery"), and some later worker test would wait for a message that never comes."""
    from celery import current_app

    from dlplatform.celery import app

    result = yield
    if current_app._get_current_object() is not app:
        app.set_current()  # the next tests start right again
        pytest.fail("this test made another Celery app current: use Celery(set_as_current=False)")
    return result


# Tables the flush after a transactional test leaves as they are (see _flush_by_delete).
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete() -> Iterator[None]:
    """After each transactional test Django empties every table with one TRUNCATE: PostgreSQL
    then makes new files for each of the ~50 tables and their indexes (0.3 s on an idle machine,
    2 s on a busy one, for tables holding a few rows). A DELETE of each table empties them too, in
    a tenth of the time: every foreign key here is DEFERRABLE INITIALLY DEFERRED (Django's), so
    the order does not matter inside the flush's transaction. Sequences are not reset by either;
    a flush that must reset them or cascade beyond its tables keeps the TRUNCATE.

    The content types and permissions stay, as the migrations made them (a test in a transaction
    rolled back sees them too): the flush's post_migrate signal rebuilt all of them each time,
    the larger part of a flush's cost; it now finds them there and adds any that are missing."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [
            f"{delete} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
            if table not in KEPT_BY_FLUSH
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


def require(condition: bool, reason: str) -> None:
    """Skip for a missing tool on a laptop; under CI a missing tool is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may be skipped)")
    pytest.skip(reason)


# --- users and clients ------------------------------------------------------------------------
def _make_user(username: str, *, instructor: bool = False):
    from dlplatform.accounts.services import user_create

    return user_create(username=username, password="pw-" + username + "-123", instructor=instructor)


@pytest.fixture
def student(db):
    return _make_user("alice")


@pytest.fixture
def other_student(db):
    return _make_user("bob")


@pytest.fixture
def instructor(db):
    return _make_user("irene", instructor=True)


@pytest.fixture
def anon_client(client):
    return client


def _client_for(user):
    """A test client signed in as `user`: the session that Django's log-in writes, written
    directly. `Client.force_login` also sends the log-in's signals (the last-login update,
    django-axes' access log and the reset of its failures) and makes a session twice: 20 queries
    a client, in most tests of the suite. The log-in itself has its own tests
    (tests/test_accounts.py, tests/test_login_throttle.py)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )
    from django.test import Client

    # As force_login: the first backend that can load a user (django-axes' cannot).
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


@pytest.fixture
def student_client(student):
    return _client_for(student)


@pytest.fixture
def other_client(other_student):
    return _client_for(other_student)


@pytest.fixture
def instructor_client(instructor):
    return _client_for(instructor)


@pytest.fixture(autouse=True)
def _clear_cache(settings) -> Iterator[None]:
    """Rate-limit counters and cached selectors never leak from one test into the next."""
    from django.core.cache import cache

    from dlplatform.versioned import forget_all_local

    cache.clear()
    # In-process copies follow the shared cache (and rolled-back rows must not linger in them).
    forget_all_local()
    yield


# --- rows shared by the tests of one module -------------------------------------------------------
T = TypeVar("T")
# The module fixtures (module_rows) whose rows are open now, innermost last.
_open_module_rows: list[str] = []


def module_rows(request, django_db_blocker, make: Callable[[], T]) -> Iterator[T]:
    """The body of a module-scoped fixture: `yield from module_rows(request, django_db_blocker,
    make)`. `make()` writes its rows once, in a transaction that each test of the module then runs
    inside (the test's own transaction is a savepoint of it, rolled back after the test); the
    transaction is rolled back after the module's last test. For rows that cost seconds to write
    (the bundled glossary) and that several tests read: written once instead of once a test.

    While they are open, a test that uses the database must ask for the fixture (its rows would
    surprise it otherwise: in a module, put such tests first) and none may be transactional."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            value = make()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    _open_module_rows.append(request.fixturename)
    try:
        yield value
    finally:
        _open_module_rows.pop()
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _transactional(request) -> bool:
    from pytest_django.fixtures import validate_django_db

    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and any(validate_django_db(marker)[:2]))
        or {"transactional_db", "live_server", "django_db_reset_sequences"}
        & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _inside_module_rows(request) -> None:
    """A test that runs while another fixture's module rows are open, and would see them, fails."""
    if not _open_module_rows:
        return
    name = _open_module_rows[-1]
    if _transactional(request):
        pytest.fail(f"a transactional test cannot run inside {name!r} (module_rows)", pytrace=False)
    uses_db = request.node.get_closest_marker("django_db") or "db" in request.fixturenames
    if uses_db and name not in request.fixturenames:
        pytest.fail(
            f"{request.node.nodeid} runs inside the rows of {name!r} (module_rows) without "
            "asking for them: ask for the fixture, or put the test before the first that does",
            pytrace=False,
        )


# --- the fixture course: sections 9.1 and 9.2 (lessons/tests/fixtures/sections) -------------------
def _load_course() -> dict:
    from lessons.models import Section
    from lessons.tests.factories import load_fixture_course

    load_fixture_course()
    return {s.number: s for s in Section.objects.all()}


@pytest.fixture
def course(db):
    """The two fixture sections, 9.1 and 9.2, loaded through the real content loader."""
    return _load_course()


@pytest.fixture(scope="module")
def course_once(request, django_db_setup, django_db_blocker) -> Iterator[dict[str, int]]:
    """The fixture course written once for a module (module_rows): its sections' pks by number.
    A module whose tests all read it overrides `course` with `course_sections(course_once)`."""
    yield from module_rows(
        request, django_db_blocker, lambda: {n: s.pk for n, s in _load_course().items()}
    )


def course_sections(pks: dict[str, int]) -> dict:
    """The sections of `course_once`, fetched afresh: a test's changes to them stay its own."""
    from lessons.models import Section

    return {s.number: s for s in Section.objects.filter(pk__in=pks.values())}


# --- the browser --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # tests may assert that no script failed
    yield page
    context.close()


def login(page, live_server, user, password: str | None = None) -> None:
    """Log `user` (made by the fixtures above) in through the real login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password or "pw-" + user.username + "-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def browser_login():
    return login


# --- a real Celery worker -------------------------------------------------------------------------
@dataclass
class WorkerProcess:
    proc: subprocess.Popen
    log_path: Path
    hostname: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, sig: int = 9) -> None:
        """Kill the whole worker (main process and pool children), as the OOM killer would."""
        import signal

        os.killpg(self.proc.pid, signal.Signals(sig))
        self.proc.wait(timeout=30)


def _worker_env() -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    # HOST is a folder for the embedded server's unix socket: quoted, it fits in the URL's host.
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    url = f"postgres://{db['USER'] or 'postgres'}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="dlplatform.settings_test",
        DATABASE_URL=url,
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        REDIS_URL=settings.REDIS_URL,
        PYTHONUNBUFFERED="1",
    )
    env.pop("TEST_DB_NAME", None)
    return env


def start_worker(
    tmp_path: Path,
    queues: str = "training,inference",
    concurrency: int = 2,
    *,
    env: dict[str, str] | None = None,
    beat: bool = False,
) -> WorkerProcess:
    """A real worker subprocess; `env` overrides its environment, `beat` runs the reaper too."""
    # A private, empty broker for this worker: no task of an earlier test is replayed.
    _empty_broker()
    hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log_path = tmp_path / f"worker-{hostname.split('@')[0]}.log"
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "dlplatform",
        "worker",
        "-Q",
        queues,
        "-c",
        str(concurrency),
        "-n",
        hostname,
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        cmd += ["-B", "-s", str(tmp_path / "celerybeat-schedule")]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**_worker_env(), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = WorkerProcess(proc=proc, log_path=log_path, hostname=hostname)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early:\n{worker.log()}")
        if " ready." in worker.log():
            return worker
        time.sleep(0.2)
    worker.kill()
    raise RuntimeError(f"celery worker did not become ready in 90 s:\n{worker.log()}")


def stop_worker(worker: WorkerProcess) -> None:
    if worker.proc.poll() is None:
        import signal

        os.killpg(worker.proc.pid, signal.SIGTERM)
        try:
            worker.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def _empty_broker() -> None:
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        for message in folder.glob("*.msg"):
            message.unlink(missing_ok=True)
        return
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


@pytest.fixture
def celery_worker(transactional_db, tmp_path) -> Iterator[WorkerProcess]:
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        require(shutil.which("redis-server") is not None or _redis_up(), "Redis is not installed")
    worker = start_worker(tmp_path)
    yield worker
    stop_worker(worker)


def _redis_up() -> bool:
    import redis
    from django.conf import settings

    try:
        return bool(redis.Redis.from_url(settings.CELERY_BROKER_URL).ping())
    except redis.RedisError:
        return False


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2, message: str = "condition"):
    """Poll `predicate` until it returns a truthy value; fail the test with `message` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {message}")
