"""The gate in front of every action that changes a database: review, environment, checklist and policy together.

`open_gate` assembles, for a project's pending batch, the safety review (with the server's version and column
types), the environment classification, the saved checklist and the target; `Gate.decide` asks the one policy
function. The CLI, the migrator and the console all go through here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from neontui.core.checklist import Checklist, ChecklistStore, pending_key
from neontui.core.environment import Environment, classify, resolve_target
from neontui.core.policy import Action, Decision, decide
from neontui.core.project import Project
from neontui.core.safety import Review, RunMode, analyze
from neontui.core.safety.inputs import Pending, pending_sources
from neontui.core.settings import Settings, Target, load_settings


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

    def decide(self, action: Action | str, typed_confirmation: str | None = None) -> Decision:
        return decide(Action(action), self.environment, self.checklist, self.review.findings, target=self.target,
                      database=self.pending.database, typed_confirmation=typed_confirmation)

    def save(self) -> bool:
        return self.store.save(self.project.config.root, self.target.name if self.target else None,
                               self.checklist.state)


def open_gate(project: Project, *, env_flag: str | None = None, target_name: str | None = None,
              environ: Mapping[str, str] | None = None, mode: RunMode = RunMode.TRANSACTION,
              settings: Settings | None = None, store: ChecklistStore | None = None,
              review: bool | None = None, on_retry: Callable[[int, str], None] | None = None) -> Gate:
    """`review`: run the safety review (None: where the policy needs it — in production, and for drizzle-kit's
    single transaction, whose no-transaction statements fail without a word; neontui's own plan runs them, and in
    development any other error-class finding fails on the server with its location just as well)."""
    environ = os.environ if environ is None else environ
    settings = settings or load_settings(project.config.root)
    from_env = project.config.url is not None and project.url_origin != "--url"
    url_env = project.config.url.env_var if from_env and project.config.url else None
    environment = classify(project.database_url, settings, env_flag=env_flag, environ=environ,
                           target_name=target_name, url_env=url_env)
    if review is None:
        review = environment.production or mode is not RunMode.PLANNED
    pending = pending_sources(project, with_columns=review, on_retry=on_retry)
    findings = analyze(pending.sources if review else [], mode=mode, pg_version=pending.server_version,
                       known_columns=pending.column_types)
    target = resolve_target(settings, target_name=target_name, url_env=url_env)
    store = store or ChecklistStore()
    checklist = store.open(project.config.root, target.name if target else None, pending_key(pending.migrations),
                           findings.findings)
    return Gate(project, pending, findings, environment, target, checklist, store, settings)
