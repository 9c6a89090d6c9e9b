"""The gate in front of every action that changes a database: review, environment, checklist and policy together.

`open_gate` assembles, for a project's pending batch, the safety review (with the server's version and column
types), the environment classification, the saved checklist and the target; `Gate.decide` asks the one policy
function. The CLI, the migrator and the console all go through here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from neontui.core.db.connect import ServerIdentity, ServerInfo
from neontui.core.drizzle.project import Project
from neontui.core.errors import NeontuiError
from neontui.core.gate.checklist import Checklist, ChecklistStore, pending_key
from neontui.core.gate.environment import Environment, classify, same_target
from neontui.core.gate.known_servers import KnownServers
from neontui.core.gate.neon_target import NeonTarget, neon_target
from neontui.core.gate.pending import Pending, pending_of, with_schema
from neontui.core.gate.policy import Action, Decision, decide
from neontui.core.gate.settings import Settings, Target, load_settings
from neontui.core.safety.model import Review, RunMode

if TYPE_CHECKING:
    from neontui.core.drizzle.overview import Overview


@dataclass
class Gate:
    project: Project
    pending: Pending
    review: Review
    environment: Environment
    target: Target | None
    checklist: Checklist
    store: ChecklistStore
    settings: Settings  # neontui.toml as read for this gate: the run uses the same timeouts and audit path

    @property
    def server_key(self) -> str:
        """The connected server and database: what the checklist is bound to."""
        return self.pending.overview.server.identity.key

    @property
    def neon(self) -> NeonTarget | None:
        """The target's Neon facts (project, branch, API settings), or None when it is not on Neon."""
        return neon_target(self.project.database_url, self.settings, self.target)

    def decide(self, action: Action | str, typed_confirmation: str | None = None) -> Decision:
        action = Action(action)
        return decide(action, self.environment, self.checklist, self.review.findings, target=self.target,
                      database=self.pending.database, typed_confirmation=typed_confirmation,
                      backup_planned=action is Action.MIGRATE and self.backup_planned)

    @property
    def backup_planned(self) -> bool:
        """Whether a production apply takes a Neon backup branch itself before its first statement ([neon] backup,
        on by default, on a Neon target whose API key is set): then the checklist's backup item is the apply's to
        check. Without the key the item stays the operator's, as on any other server (see `backup_note`)."""
        neon = self.neon
        return (self.environment.production and self.settings.neon.backup and neon is not None
                and neon.has_key())

    @property
    def backup_note(self) -> str | None:
        """Why a production apply on Neon takes no backup branch itself, when that is only for want of the key."""
        neon = self.neon
        if not (self.environment.production and self.settings.neon.backup and neon is not None) or neon.has_key():
            return None
        return (f"note: {neon.settings.api_key_env} is not set, so neontui takes no backup branch before the apply; "
                "the checklist's backup item is yours to check")

    def confirmation_to_ask(self, action: Action | str, decision: Decision) -> str | None:
        """The name to ask the operator for when typing it is all the policy still wants: asked of the policy itself
        (would the right name be allowed?), so a reworded reason can never turn a refusal into a prompt."""
        wanted = decision.confirmation
        return wanted if not decision.allowed and wanted is not None and self.decide(action, wanted).allowed else None

    def save(self) -> bool:
        return self.store.save(self.server_key, self.checklist.state)


def open_gate(project: Project, *, env_flag: str | None = None, target_name: str | None = None,
              environ: Mapping[str, str] | None = None, mode: RunMode = RunMode.TRANSACTION,
              settings: Settings | None = None, store: ChecklistStore | None = None,
              known: KnownServers | None = None, review: bool | None = None,
              on_retry: Callable[[int, str], None] | None = None,
              on_status: Callable[[Overview], object] | None = None) -> Gate:
    """`review`: run the safety review (None: where the policy needs it — in production, and for drizzle-kit's
    single transaction, whose no-transaction statements fail without a word; neontui's own plan runs them, and in
    development any other error-class finding fails on the server with its location just as well).

    The environment is classified after connecting, from what the connection reached (environment.classify). One
    connection reads the status and then the live schema; `on_status` gets the status as soon as it is read, before
    the schema and the review (the console shows the journal while the review runs).
    """
    environ = os.environ if environ is None else environ
    settings = settings or load_settings(project.config.root)
    known = known or KnownServers()
    from_env = project.config.url is not None and project.url_origin != "--url"
    url_env = project.config.url.env_var if from_env and project.config.url else None
    deadline = settings.connect_deadline(environ)
    from neontui.core.drizzle.overview import overview_session  # here: psycopg is most of the start-up time

    with overview_session(project, on_retry=on_retry, deadline=deadline) as (overview, conn):
        if on_status is not None:
            on_status(overview)
        pending = pending_of(overview)
        environment, target = _environment(project, overview.server, settings, known, environ, env_flag=env_flag,
                                           target_name=target_name, url_env=url_env)
        if review is None:
            review = environment.production or mode is not RunMode.PLANNED
        if review:
            pending = with_schema(pending, conn)
    if review:
        from neontui.core.safety.review import analyze  # the rules load only for a run that is reviewed

        findings = analyze(pending.sources, mode=mode, pg_version=pending.server_version, schema=pending.schema)
    else:
        findings = Review.skipped(pending.server_version, mode)
    store = store or ChecklistStore()
    checklist = store.open(overview.server.identity.key, pending_key(pending.migrations), findings.findings)
    return Gate(project, pending, findings, environment, target, checklist, store, settings)


def _environment(project: Project, server: ServerInfo, settings: Settings, known: KnownServers,
                 environ: Mapping[str, str], *, env_flag: str | None, target_name: str | None,
                 url_env: str | None) -> tuple[Environment, Target | None]:
    """The environment this connection reached, and its named target (remembering a production target's identity
    when this run reached it by its own URL)."""
    target_urls = {name: url for name, t in settings.targets.items()
                   if t.url_env and (url := project.env.get(t.url_env) or environ.get(t.url_env))}
    identities = known.identities(settings.path)

    def classified() -> Environment:
        return classify(project.database_url, settings, env_flag=env_flag, environ=environ, target_name=target_name,
                        url_env=url_env, server=server, target_urls=target_urls, identities=identities)

    environment = classified()
    if not environment.production:
        probed = _probe_production_targets(settings, target_urls, project.database_url, skip=identities)
        if probed:
            identities = {**identities, **probed}
            environment = classified()
    target = settings.targets.get(environment.target) if environment.target else None
    if target is not None and target.production and _reached_by_url(target, url_env, project, target_urls):
        known.remember(settings.path, target.name, server.identity)
    return environment, target


def _probe_production_targets(settings: Settings, target_urls: Mapping[str, str], url: str | None, *,
                              skip: Mapping[str, object]) -> dict[str, list[ServerIdentity]]:
    """The server identity of each production target whose URL is known here but not yet its identity.

    One short attempt each: a production target that cannot be reached now cannot be the server this run reached
    under another name either (that run just connected to it).
    """
    from neontui.core.db.connect import connect, server_info

    found: dict[str, list[ServerIdentity]] = {}
    for name, target in settings.targets.items():
        target_url = target_urls.get(name)
        if not target.production or not target_url or name in skip or (url and same_target(url, target_url)):
            continue
        try:
            with connect(target_url, connect_timeout=5, attempts=1, application_name="neontui identity") as conn:
                found[name] = [server_info(conn).identity]
        except NeontuiError:
            continue
    return found


def _reached_by_url(target: Target, url_env: str | None, project: Project, target_urls: Mapping[str, str]) -> bool:
    """Whether this run reached `target` through the target's own URL (so its identity is worth remembering), not
    only because --target or default_target named it."""
    target_url = target_urls.get(target.name)
    by_text = bool(project.database_url and target_url and same_target(project.database_url, target_url))
    return by_text or (url_env is not None and url_env == target.url_env)
