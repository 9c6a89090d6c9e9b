"""Tests for neontui.core.db.connect: URL parsing and Neon derivation, masking, and real connections.

The connection tests use a real PostgreSQL (the session's embedded server, whose pg_hba.conf this module edits)
and, where a Neon proxy's behaviour is needed, a tiny in-test TCP front that answers like the proxy, then relays.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from neontui.core.db.connect import connect, server_info
from neontui.core.db.embedded import EmbeddedServer
from neontui.core.db.url import DbUrl, direct_url, parse_url, pooled_url
from neontui.core.errors import ConfigError, ConnectionFailure
from neontui.core.redact import MASK, redact
from tests.helpers import free_port, wait_until

SECRET = "Hunter2-Secret"
IO_TIMEOUT = 3.0  # every socket operation in these tests gives up after this

# --- parsing and derivation -------------------------------------------------------------------------------

# (pooled host, direct host) as Neon writes them: AWS (old and new id styles), c-N cells, Azure, legacy.
NEON_HOSTS = [
    (
        "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech",
        "ep-cool-darkness-123456.us-east-2.aws.neon.tech",
    ),
    (
        "ep-cool-darkness-a1b2c3d4-pooler.eu-central-1.aws.neon.tech",
        "ep-cool-darkness-a1b2c3d4.eu-central-1.aws.neon.tech",
    ),
    ("ep-x-123-pooler.c-2.us-east-1.aws.neon.tech", "ep-x-123.c-2.us-east-1.aws.neon.tech"),
    (
        "ep-late-sky-a1b2c3d4-pooler.c-8.us-west-2.aws.neon.tech",
        "ep-late-sky-a1b2c3d4.c-8.us-west-2.aws.neon.tech",
    ),
    (
        "ep-quiet-moon-12345678-pooler.eastus2.azure.neon.tech",
        "ep-quiet-moon-12345678.eastus2.azure.neon.tech",
    ),
    ("floral-disk-86322740-pooler.cloud.neon.tech", "floral-disk-86322740.cloud.neon.tech"),
]

# Everything around the host must survive derivation byte for byte.
URL_SHAPES = [
    "postgresql://neondb_owner:{pw}@{host}/neondb?sslmode=require&channel_binding=require",
    "postgres://app:{pw}@{host}:5432/app%2Fdb?sslmode=verify-full&options=endpoint%3Dep-x-123-pooler&connect_timeout=15",
    "postgresql://us%40er:{pw}@{host}/neondb?application_name=my%20app&sslmode=require",
    "postgresql://app@{host}/neondb",
    "postgresql://{host}",
    "postgresql://app:{pw}@/neondb?host={host}&sslmode=require",
]


@pytest.mark.parametrize(("pooled", "direct"), NEON_HOSTS)
@pytest.mark.parametrize("shape", URL_SHAPES)
def test_neon_pooled_direct_round_trip(pooled: str, direct: str, shape: str) -> None:
    pooled_text = shape.format(pw=SECRET, host=pooled)
    direct_text = shape.format(pw=SECRET, host=direct)

    got, why = direct_url(pooled_text)
    assert got == direct_text
    assert why is not None and pooled in why and direct in why and "pooler" in why
    assert SECRET not in why
    assert pooled_url(got) == pooled_text  # round trip restores the exact string

    assert direct_url(direct_text) == (direct_text, None)  # already direct: untouched
    assert pooled_url(pooled_text) == pooled_text  # already pooled: untouched


@pytest.mark.parametrize(("pooled", "direct"), NEON_HOSTS)
def test_neon_host_properties(pooled: str, direct: str) -> None:
    p = parse_url(f"postgresql://app:{SECRET}@{pooled}/neondb?sslmode=require")
    d = parse_url(f"postgresql://app:{SECRET}@{direct}/neondb?sslmode=require")
    assert p.is_neon and d.is_neon
    assert p.is_pooled and not d.is_pooled
    assert p.endpoint_id == d.endpoint_id == direct.split(".", 1)[0]
    assert not p.is_unix_socket
    assert p.display_target() == f"{pooled}:5432/neondb"


def test_aws_url_fields() -> None:
    url = (
        f"postgresql://neondb_owner:{SECRET}@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb"
        "?sslmode=require&channel_binding=require&options=endpoint%3Dep-cool-darkness-123456"
    )
    u = parse_url(url)
    assert (u.scheme, u.user, u.password, u.port, u.dbname) == (
        "postgresql",
        "neondb_owner",
        SECRET,
        None,
        "neondb",
    )
    assert u.host == "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech"
    assert list(u.params.items()) == [
        ("sslmode", "require"),
        ("channel_binding", "require"),
        ("options", "endpoint=ep-cool-darkness-123456"),
    ]
    assert u.endpoint_id == "ep-cool-darkness-123456"
    assert u.raw == url


def test_only_first_label_is_toggled() -> None:
    # A '-pooler' elsewhere in the host or in options is not the pooler marker and must stay.
    url = "postgresql://a:b@ep-x-pooler.c-2.us-east-1.aws.neon.tech/db?options=endpoint%3Dep-x-pooler"
    assert (
        direct_url(url)[0]
        == "postgresql://a:b@ep-x.c-2.us-east-1.aws.neon.tech/db?options=endpoint%3Dep-x-pooler"
    )
    odd = "postgresql://a:b@ep-x.pooler-2.aws.neon.tech/db"
    assert not parse_url(odd).is_pooled
    assert pooled_url(odd) == "postgresql://a:b@ep-x-pooler.pooler-2.aws.neon.tech/db"


def test_upper_case_neon_host() -> None:
    url = "postgresql://a:b@EP-X-POOLER.US-EAST-2.AWS.NEON.TECH/db"
    u = parse_url(url)
    assert u.is_neon and u.is_pooled and u.endpoint_id == "EP-X"
    assert direct_url(url)[0] == "postgresql://a:b@EP-X.US-EAST-2.AWS.NEON.TECH/db"


def test_surrounding_whitespace_is_kept_by_derivation() -> None:
    url = " postgresql://a:b@ep-x-pooler.us-east-2.aws.neon.tech/db\n"
    assert parse_url(url).raw == url.strip()
    assert direct_url(url)[0] == " postgresql://a:b@ep-x.us-east-2.aws.neon.tech/db\n"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:pw@localhost/app",
        "postgresql://app:pw@localhost:5433/app?sslmode=disable",
        "postgres://app:pw@db.example.com/app",
        "postgresql://app:pw@ep-x-pooler.neon.tech.example.com/app",  # look-alike, not Neon
        "postgresql://app:pw@ep-x-pooler.example.com/app",
        "postgresql://app:pw@[::1]:5433/app",
        "postgresql://app:pw@127.0.0.1/app",
        "postgresql://postgres:@/postgres?host=/tmp/xyz",
        "postgresql://user@%2Fvar%2Frun%2Fpostgresql/db",
        "postgresql://",
    ],
)
def test_non_neon_urls_are_unchanged(url: str) -> None:
    u = parse_url(url)
    assert not u.is_neon and not u.is_pooled and u.endpoint_id is None
    assert direct_url(url) == (url, None)
    assert pooled_url(url) == url


@pytest.mark.parametrize(
    ("url", "user", "password", "host", "port", "dbname", "target"),
    [
        (
            "postgresql://user@/db?host=/var/run/postgresql",
            "user",
            None,
            "/var/run/postgresql",
            None,
            "db",
            "/var/run/postgresql/db",
        ),
        (
            "postgresql://user@%2Fvar%2Frun%2Fpostgresql/db",
            "user",
            None,
            "/var/run/postgresql",
            None,
            "db",
            "/var/run/postgresql/db",
        ),
        (
            "postgresql://postgres:@/postgres?host=/tmp/xyz",
            "postgres",
            None,
            "/tmp/xyz",
            None,
            "postgres",
            "/tmp/xyz/postgres",
        ),
        ("postgresql://u@%2Ftmp%2Fs:5433/db", "u", None, "/tmp/s", 5433, "db", "/tmp/s:5433/db"),
    ],
)
def test_unix_socket_forms(
    url: str, user: str, password: str | None, host: str, port: int | None, dbname: str, target: str
) -> None:
    u = parse_url(url)
    assert (u.user, u.password, u.host, u.port, u.dbname) == (user, password, host, port, dbname)
    assert u.is_unix_socket and not u.is_neon
    assert u.display_target() == target


def test_ipv6_hosts() -> None:
    u = parse_url("postgresql://app:pw@[2001:db8::1]:6543/app?sslmode=require")
    assert (u.host, u.port, u.dbname) == ("2001:db8::1", 6543, "app")
    assert u.display_target() == "[2001:db8::1]:6543/app"
    assert parse_url("postgresql://[::1]/app").display_target() == "[::1]:5432/app"


def test_percent_encoded_user_password_and_database() -> None:
    u = parse_url("postgresql://us%40er:p%40ss%2Fw%3Ard%25x%2By@host/my%2Fdb?application_name=a%26b")
    assert (u.user, u.password, u.dbname) == ("us@er", "p@ss/w:rd%x+y", "my/db")
    assert u.params == {"application_name": "a&b"}
    # libpq does not treat '+' as a space; neither do we.
    assert parse_url("postgresql://u:a+b@h/d").password == "a+b"


def test_missing_and_empty_password() -> None:
    assert parse_url("postgresql://app@host/db").password is None
    assert parse_url("postgresql://app:@host/db").password is None
    assert parse_url("postgresql://host/db").user is None


def test_query_parameters_override_like_libpq() -> None:
    u = parse_url("postgresql://a:b@h1:5433/db1?dbname=db2&user=c&port=6000&host=h2")
    assert (u.user, u.host, u.port, u.dbname) == ("c", "h2", 6000, "db2")


def test_multiple_hosts_use_the_first() -> None:
    u = parse_url("postgresql://app@h1:5433,h2:5434/db")
    assert (u.host, u.port) == ("h1", 5433)


def test_display_target_defaults() -> None:
    assert parse_url("postgresql://app:pw@db.example.com").display_target() == "db.example.com:5432"
    assert parse_url("postgresql:///db").display_target() == "default socket/db"


MALFORMED = [
    "",
    "   ",
    f"mysql://app:{SECRET}@host/db",
    "localhost:5432",
    "host=localhost dbname=app",
    f"POSTGRESQL://app:{SECRET}@host/db",
    f"http://app:{SECRET}@host/db",
    f"postgresql://app:{SECRET}@host:abc/db",
    f"postgresql://app:{SECRET}@host:70000/db",
    f"postgresql://app:{SECRET}@host:0/db",
    f"postgresql://app:{SECRET}%zz@host/db",
    f"postgresql://app:{SECRET}%00@host/db",
    f"postgresql://app:{SECRET}@[::1/db",
    f"postgresql://app:{SECRET}@[]/db",
    f"postgresql://app:{SECRET}@host/db?sslmode",
    f"postgresql://app:{SECRET}@host/db?options=endpoint=ep-x",
    f"postgresql://app:{SECRET}@host/db?a=1&&sslmode=require",
    # unencoded '@' and '/' inside the password: libpq would take part of it as host, port or database
    "postgresql://app:Hunter2@Secret@host/db",
    "postgresql://app:Hunter2/Secret@host/db",
    "postgresql://app:Hunter2/99@host/db",
]


@pytest.mark.parametrize("url", MALFORMED)
def test_malformed_urls_raise_config_error_without_the_password(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_url(url)
    err = info.value
    text = f"{err.message} {err.hint or ''} {err.one_line()} {err!r}"
    for fragment in (SECRET, "Hunter2", "Secret"):
        assert fragment not in text
    assert "\n" not in err.one_line()
    assert err.message  # says something


def test_malformed_messages_are_clear() -> None:
    def message(url: str) -> str:
        with pytest.raises(ConfigError) as info:
            parse_url(url)
        return info.value.one_line()

    assert "empty" in message("")
    assert '"mysql://"' in message("mysql://u@h/db")
    assert "not a postgresql:// URL" in message("localhost:5432")
    assert 'invalid port "abc"' in message("postgresql://h:abc/db")
    assert "%40" in message("postgresql://u:a@b@h/db")
    assert "%2F" in message("postgresql://u:a/b@h/db")
    assert "%3D" in message("postgresql://h/db?options=endpoint=ep-x")



def test_libpq_vets_the_url_before_connecting() -> None:
    # The grammar (driver-free) accepts any parameter; libpq's own check runs before the first attempt.
    url = f"postgresql://app:{SECRET}@host.invalid/db?nosuchparam=1"
    assert parse_url(url).params == {"nosuchparam": "1"}
    with pytest.raises(ConfigError) as info:
        connect(url, deadline=1)
    assert "nosuchparam" in info.value.one_line() and SECRET not in info.value.one_line()


# --- masking ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://app:{SECRET}@ep-x-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require",
        f"postgresql://app:{quote(SECRET + '/@:%', safe='')}@db.example.com:6543/app",
        f"postgresql://app@db.example.com/app?password={SECRET}",
        f"postgresql://app:{SECRET}@/app?host=/tmp/sock",
    ],
)
def test_password_never_shown(url: str) -> None:
    u = parse_url(url)
    assert u.password is not None and u.password.startswith(SECRET)
    for shown in (u.masked(), u.display_target(), repr(u), str(u), repr(parse_url(u.masked()))):
        assert SECRET not in shown
    assert MASK in u.masked()
    assert "password='****'" in repr(u)
    assert "raw" not in repr(u)


def test_parse_registers_the_password_for_later_redaction() -> None:
    secret = "Zq9-only-in-this-test"
    parse_url(f"postgresql://app:{quote(secret + '@', safe='')}@host/db")
    assert secret not in redact(f"server said: {secret}@ whatever")


# --- real PostgreSQL ---------------------------------------------------------------------------------------


@dataclass
class EmbeddedPg:
    uri: str  # postgresql://postgres:@/postgres?host=<socket dir>
    socket_dir: str
    socket_file: str  # the unix socket, for the TCP relays below


@pytest.fixture(autouse=True)
def _no_libpq_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # PGHOST, PGPASSWORD, a ~/.pgpass or PGSSLMODE on the machine would change what libpq does.
    for name in list(os.environ):
        if name.startswith("PG"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


@pytest.fixture(scope="module")
def pg(embedded_server: EmbeddedServer) -> Iterator[EmbeddedPg]:
    uri = embedded_server.url
    socket_dir = uri.split("host=", 1)[1].split("&", 1)[0]
    sockets = sorted(p for p in Path(socket_dir).glob(".s.PGSQL.*") if not p.name.endswith(".lock"))
    assert sockets, f"no PostgreSQL socket in {socket_dir}"
    # Password auth for one role, so wrong/missing passwords can be tested on this trust-only server.
    hba = embedded_server.data_dir / "pg_hba.conf"
    trusting = hba.read_text()
    with psycopg.connect(uri, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"CREATE ROLE app LOGIN PASSWORD '{SECRET}/@:%'")
        conn.execute("CREATE DATABASE appdb OWNER app")
        hba.write_text("local all app scram-sha-256\n" + trusting)
        conn.execute("SELECT pg_reload_conf()")
    # The postmaster reloads pg_hba.conf asynchronously on SIGHUP: wait until it asks `app` for a password.
    wait_until(lambda: _asks_for_password(socket_dir), 10, "pg_hba.conf to be reloaded")
    yield EmbeddedPg(uri=uri, socket_dir=socket_dir, socket_file=str(sockets[0]))
    # The server outlives this module: give it back as the other tests expect it.
    with psycopg.connect(uri, autocommit=True, connect_timeout=5) as conn:
        hba.write_text(trusting)
        conn.execute("SELECT pg_reload_conf()")
        conn.execute("DROP DATABASE appdb WITH (FORCE)")
        conn.execute("DROP ROLE app")


def _asks_for_password(socket_dir: str) -> bool:
    try:
        psycopg.connect(f"postgresql://app@/appdb?host={socket_dir}", connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        return "password" in str(exc)
    return False


def _startup_error(message: str, code: str = "XX000") -> bytes:
    fields = b"SFATAL\0VFATAL\0C" + code.encode() + b"\0M" + message.encode() + b"\0\0"
    return b"E" + struct.pack("!I", len(fields) + 4) + fields


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


class FakeProxy:
    """A TCP listener on 127.0.0.1 that plays a Neon proxy in front of the embedded server.

    The first `len(errors)` connections get a startup ErrorResponse with the next message (after refusing
    SSL/GSS encryption requests); later ones are relayed byte for byte to the server's unix socket.
    `silent=True` accepts connections and never answers (for timeouts).
    """

    def __init__(
        self, socket_file: str | None, errors: list[str] | None = None, *, silent: bool = False
    ) -> None:
        self.socket_file = socket_file
        self.errors = list(errors or [])
        self.silent = silent
        self.connections = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._spawn(self._accept_loop)

    def url(
        self, user: str = "postgres", password: str | None = None, db: str = "postgres", query: str = ""
    ) -> str:
        auth = f"{user}:{quote(password, safe='')}" if password is not None else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}{query}"

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, client)

    def _serve(self, client: socket.socket) -> None:
        with client:
            client.settimeout(IO_TIMEOUT)
            with self._lock:
                index = self.connections
                self.connections += 1
            try:
                if self.silent:
                    self._stop.wait(IO_TIMEOUT)
                elif index < len(self.errors):
                    self._refuse(client, self.errors[index])
                else:
                    self._relay(client)
            except OSError:
                pass  # the client hung up or timed out: nothing to clean beyond the sockets

    @staticmethod
    def _refuse(client: socket.socket, message: str) -> None:
        while True:
            length, code = struct.unpack("!II", _recv_exact(client, 8))
            if length == 8 and code in (80877103, 80877104):  # SSLRequest, GSSENCRequest
                client.sendall(b"N")
                continue
            _recv_exact(client, length - 8)  # rest of the StartupMessage
            break
        client.sendall(_startup_error(message))

    def _relay(self, client: socket.socket) -> None:
        assert self.socket_file is not None
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.settimeout(IO_TIMEOUT)
            server.connect(self.socket_file)
            peers = {client: server, server: client}
            while not self._stop.is_set():
                ready, _, _ = select.select(list(peers), [], [], 0.1)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=IO_TIMEOUT)


@contextlib.contextmanager
def fake_proxy(
    pg: EmbeddedPg | None, errors: list[str] | None = None, *, silent: bool = False
) -> Iterator[FakeProxy]:
    proxy = FakeProxy(pg.socket_file if pg else None, errors, silent=silent)
    try:
        yield proxy
    finally:
        proxy.close()


class Retries(list[tuple[int, str]]):
    """An on_retry callback that records its calls."""

    def __call__(self, attempt: int, reason: str) -> None:
        self.append((attempt, reason))


def test_connect_and_server_info_on_embedded_server(pg: EmbeddedPg) -> None:
    with connect(pg.uri, connect_timeout=5) as conn:
        assert conn.autocommit
        info = server_info(conn, parse_url(pg.uri))
        (version_num,) = conn.execute("SHOW server_version_num").fetchone()  # type: ignore[misc]
        (app_name,) = conn.execute("SHOW application_name").fetchone()  # type: ignore[misc]
    assert info.version_num == int(version_num)
    assert info.version.split(".")[0] == str(info.version_num // 10000)
    assert (info.database, info.user, info.is_neon) == ("postgres", "postgres", False)
    assert app_name == "neontui"


def test_server_info_is_not_fooled_by_a_neon_placeholder_setting(pg: EmbeddedPg) -> None:
    with connect(pg.uri, autocommit=False) as conn:
        conn.execute("SET neon.timeline_id = 'fake'")  # a placeholder GUC, as any user could create
        conn.commit()
        info = server_info(conn)
        # server_info must not leave a transaction open on a non-autocommit connection
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert info.is_neon is False


def test_connect_with_percent_encoded_password(pg: EmbeddedPg) -> None:
    password = f"{SECRET}/@:%"
    url = f"postgresql://app:{quote(password, safe='')}@/appdb?host={pg.socket_dir}"
    with connect(url, connect_timeout=5) as conn:
        info = server_info(conn)
    assert (info.database, info.user) == ("appdb", "app")


def test_missing_database(pg: EmbeddedPg) -> None:
    url = pg.uri.replace("/postgres?", "/no_such_db?")
    retries = Retries()
    with pytest.raises(ConnectionFailure) as info:
        connect(url, attempts=3, backoff=0.01, on_retry=retries)
    assert info.value.kind == "no-database"
    assert info.value.message.startswith('database "no_such_db" does not exist at ')
    assert f"{pg.socket_dir}/no_such_db" in info.value.message
    assert retries == []


def test_wrong_password_over_tcp(pg: EmbeddedPg) -> None:
    wrong = "Wrong-Pass-Zz9"
    retries = Retries()
    with fake_proxy(pg) as proxy, pytest.raises(ConnectionFailure) as info:
        connect(proxy.url("app", wrong, "appdb"), attempts=3, backoff=0.01, on_retry=retries)
    err = info.value
    assert err.kind == "auth"
    assert err.message == f'password authentication failed for user "app" at 127.0.0.1:{proxy.port}/appdb'
    assert err.hint and "password" in err.hint
    assert wrong not in err.one_line() and SECRET not in err.one_line()
    assert retries == []


def test_missing_password(pg: EmbeddedPg) -> None:
    url = f"postgresql://app@/appdb?host={pg.socket_dir}"
    with pytest.raises(ConnectionFailure) as info:
        connect(url, attempts=2, backoff=0.01)
    assert info.value.kind == "auth"
    assert info.value.message.startswith('no password supplied for user "app"')


def test_refused_tcp_port() -> None:
    port = free_port()
    with pytest.raises(ConnectionFailure) as info:
        connect(f"postgresql://app:{SECRET}@127.0.0.1:{port}/db", attempts=2, backoff=0.01)
    assert info.value.kind == "refused"
    assert f"127.0.0.1:{port}/db" in info.value.message
    assert SECRET not in info.value.one_line()


def test_refused_socket_dir_without_server(tmp_path: Path) -> None:
    with pytest.raises(ConnectionFailure) as info:
        connect(f"postgresql://postgres:@/postgres?host={tmp_path}", attempts=2, backoff=0.01)
    assert info.value.kind == "refused"
    assert str(tmp_path) in info.value.message


def test_unknown_host() -> None:
    with pytest.raises(ConnectionFailure) as info:
        connect(f"postgresql://app:{SECRET}@no-such-host.invalid/db", attempts=3, backoff=0.01)
    assert info.value.kind == "unknown-host"
    assert "no-such-host.invalid:5432/db" in info.value.message
    assert SECRET not in info.value.one_line()


def test_timeout_when_the_server_never_answers() -> None:
    with fake_proxy(None, silent=True) as proxy, pytest.raises(ConnectionFailure) as info:
        connect(proxy.url(password=SECRET), connect_timeout=1, attempts=1)
    assert info.value.kind == "timeout"
    assert f"127.0.0.1:{proxy.port}/postgres" in info.value.message
    assert SECRET not in info.value.one_line()


def test_ssl_unsupported_by_the_server(pg: EmbeddedPg) -> None:
    with fake_proxy(pg) as proxy, pytest.raises(ConnectionFailure) as info:
        connect(proxy.url(query="?sslmode=require"), attempts=2, backoff=0.01)
    assert info.value.kind == "ssl-unsupported"


def test_ssl_required_by_neon() -> None:
    with fake_proxy(None, ["connection is insecure (try using sslmode=require)"]) as proxy:
        retries = Retries()
        with pytest.raises(ConnectionFailure) as info:
            connect(proxy.url(password=SECRET), attempts=3, backoff=0.01, on_retry=retries)
    assert info.value.kind == "ssl-required"
    assert info.value.hint and "sslmode=require" in info.value.hint
    assert retries == []


COMPUTE_WAKING = "Couldn't connect to compute node"


def test_cold_start_is_retried_until_the_compute_answers(pg: EmbeddedPg) -> None:
    retries = Retries()
    with fake_proxy(pg, [COMPUTE_WAKING] * 2) as proxy:
        with connect(proxy.url(), attempts=3, backoff=0.01, on_retry=retries) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        assert proxy.connections == 3
    assert [n for n, _ in retries] == [1, 2]
    assert all(COMPUTE_WAKING in reason for _, reason in retries)


def test_cold_start_gives_up_after_all_attempts(pg: EmbeddedPg) -> None:
    retries = Retries()
    with fake_proxy(pg, [COMPUTE_WAKING] * 2) as proxy, pytest.raises(ConnectionFailure) as info:
        connect(proxy.url(password=SECRET), attempts=2, backoff=0.01, on_retry=retries)
    err = info.value
    assert err.kind == "cold-start"
    assert f"127.0.0.1:{proxy.port}/postgres" in err.message and COMPUTE_WAKING in err.message
    assert SECRET not in err.one_line()
    assert [n for n, _ in retries] == [1]


@pytest.mark.parametrize(
    "message",
    [
        "the database system is starting up",
        "terminating connection due to administrator command",
        "Failed to acquire permit to connect to the database. "
        "Too many database connection attempts are currently ongoing.",
    ],
)
def test_other_transient_errors_are_retried(pg: EmbeddedPg, message: str) -> None:
    retries = Retries()
    with (
        fake_proxy(pg, [message]) as proxy,
        connect(proxy.url(), attempts=2, backoff=0.01, on_retry=retries) as conn,
    ):
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert len(retries) == 1 and message in retries[0][1]


def test_malformed_url_fails_before_any_network() -> None:
    with pytest.raises(ConfigError):
        connect(f"mysql://app:{SECRET}@127.0.0.1/db")


def test_dburl_is_hashable_and_frozen() -> None:
    u = parse_url("postgresql://a:b@h/db?sslmode=require")
    assert isinstance(u, DbUrl)
    hash(u)
    with pytest.raises(AttributeError):
        u.host = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://postgres:@/postgres?host=/tmp/x", "postgresql://postgres:@/t_1?host=/tmp/x"),
        ("postgresql://h", "postgresql://h/t_1"),
        ("postgresql://h?sslmode=require", "postgresql://h/t_1?sslmode=require"),
        (
            "postgresql://u:p%40@h:5/db?dbname=old&sslmode=require",
            "postgresql://u:p%40@h:5/db?dbname=t_1&sslmode=require",
        ),
    ],
)
def test_with_database(url: str, expected: str) -> None:
    from neontui.core.db.url import with_database

    assert with_database(url, "t_1") == expected
    assert parse_url(with_database(url, "a b/c")).dbname == "a b/c"
