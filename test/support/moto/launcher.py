"""moto_server with the few extras codybuild's e2e tests need (moto 5.x, no moto code copied).

    python3 launcher.py -H 127.0.0.1 -p 5000      # same flags as moto_server; loopback only

On top of stock moto it
  1. returns CodeBuild timestamps as epoch seconds: moto sends ISO strings, which the
     AWS JS SDK v3 rejects ("Expected real number") while botocore accepts them;
  2. supports AWS::CodeBuild::Project in CloudFormation (create/update/delete, Ref = name,
     Fn::GetAtt Arn), backed by a real moto CodeBuild project;
  3. gives builds the project's source/environment (plus StartBuild overrides) and a
     CloudWatch log group/stream (/aws/codebuild/<project>, <build uuid>); it does NOT write
     log events: tests seed them;
  4. completes a build once (moto appends 9 phases on every poll and turns STOPPED back
     into SUCCEEDED), honours StartBuild's idempotencyToken, and lets tests choose the outcome:
       - POST /moto-api/codebuild/build-outcome with JSON
           {"projectName"?: str, "buildId"?: str, "status"?: "FAILED", "phase"?: "BUILD",
            "message"?: str, "inProgressPolls"?: 0, "accountId"?: str, "region"?: "us-east-1"}
         With buildId: sets the outcome of that (unfinished) build. Otherwise queues it for
         the next StartBuild of projectName (or of any project). status is one of
         SUCCEEDED FAILED FAULT TIMED_OUT STOPPED (default FAILED); inProgressPolls is how
         many BatchGetBuilds calls see IN_PROGRESS first (default 0).
       - or an environment variable MOTO_FAIL_BUILD=<message> on the project or in
         StartBuild's environmentVariablesOverride: that build FAILS in BUILD with <message>.
     /moto-api/reset clears queued outcomes too (they live on the CodeBuild backend);
  5. answers BatchGetBuilds/BatchGetProjects with buildsNotFound/projectsNotFound and lists
     builds newest first (AWS's default order) unless sortOrder=ASCENDING;
  6. answers GET /moto-api/codebuild/launcher with {"pid": ..., "parent": ..., "moto": version},
     so the Node side can tell its own server (or a sibling of it) from something else on the port;
     CODY_MOTO_SIBLING_PORTS=p2,... forks one more independent server per port once moto is
     imported (the e2e setup's second worker moto, without a second start-up);
  7. gives a stack deployed through ExecuteChangeSet (CREATE or UPDATE) its Outputs, exports and
     Description, as CreateStack/UpdateStack do (moto keeps those of the stack before the change);
  8. lets a CREATE change set reuse a stack in REVIEW_IN_PROGRESS (moto made a second stack of
     that name) and refuses one for a stack that exists otherwise, as AWS does; a CreateChangeSet
     retried with the same ClientToken returns the first call's change set (moto made another);
  --plain-builds turns 3 and 4 off (stock moto builds), for tests that cody copes without them;
     POST /moto-api/codebuild/plain-builds (optional JSON {"accountId"?, "region"?}) does the same
     for one account and region of a running launcher, until the next /moto-api/reset.
  9. updates AWS::IAM::Role in place (inline Policies, ManagedPolicyArns, AssumeRolePolicyDocument,
     Description, MaxSessionDuration, PermissionsBoundary; moto's update changes only the
     description) and replaces it when RoleName or Path changes (moto re-applies only resources
     whose template text changed, so others that reference the role keep the old ARN unless they
     change too). ManagedPolicyArns are attached on
     create and detached on delete too; an AWS managed policy exists only when the launcher runs
     with MOTO_IAM_LOAD_MANAGED_POLICIES=true, otherwise the stack fails like AWS for a bad ARN.
It also starts and answers faster than stock moto, with the same answers (_shared_region_lists,
_lighten_requests, _fork_siblings).
"""

import argparse
import copy
import datetime
import functools
import json
import os
import sys
import threading
from typing import Any, Callable
from urllib.parse import quote


def _shared_region_lists() -> None:
    """moto asks boto3 for a service's regions from a new Session each time (three times while its EC2
    models load, which CloudFormation imports), and each new Session reads botocore's endpoint data
    again: ~0.3 s of every start. The lists come from one Session, once per question; same answers."""
    import boto3.session

    ask = boto3.session.Session.get_available_regions
    shared = boto3.session.Session()

    @functools.lru_cache(maxsize=None)
    def regions(service: str, partition: str, allow_non_regional: bool) -> tuple[str, ...]:
        return tuple(ask(shared, service, partition, allow_non_regional))

    def get_available_regions(self: Any, service_name: str, partition_name: str = "aws",
                              allow_non_regional: bool = False) -> list[str]:
        return list(regions(service_name, partition_name, allow_non_regional))

    boto3.session.Session.get_available_regions = get_available_regions  # type: ignore[method-assign]


_shared_region_lists()  # before moto is imported: its EC2 models ask while they load

from moto.cloudformation.exceptions import ValidationError  # noqa: E402
from moto.cloudformation.models import CloudFormationBackend, Stack  # noqa: E402
from moto.cloudformation.responses import CloudFormationResponse  # noqa: E402
from moto.codebuild.models import CodeBuildBackend, codebuild_backends  # noqa: E402
from moto.codebuild.responses import CodeBuildResponse  # noqa: E402
from moto.core.common_models import CloudFormationModel  # noqa: E402
from moto.iam.models import IAMBackend, Role, iam_backends  # noqa: E402
from moto.utilities.utils import get_partition  # noqa: E402

_lock = threading.RLock()  # the server is threaded; builds are mutated on poll
# --plain-builds: builds as stock moto has them (buildComplete stays false, the phases are appended
# again on every BatchGetBuilds, STOPPED turns back into SUCCEEDED, no outcomes, no logs, no
# idempotency), so tests can show that cody works on an endpoint without this launcher's fixes.
_PLAIN_BUILDS = False


def _plain(backend: CodeBuildBackend) -> bool:
    # The flag for the whole server, or the switch for this backend (which /moto-api/reset drops).
    return _PLAIN_BUILDS or bool(backend.__dict__.get("cody_plain_builds"))
_PHASES = ["PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD",
           "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING"]
_STATUS_CODES = {"FAILED": "COMMAND_EXECUTION_ERROR", "FAULT": "CLIENT_ERROR",
                 "TIMED_OUT": "BUILD_TIMED_OUT", "STOPPED": "BUILD_STOPPED"}
_DEFAULT_MESSAGES = {
    "FAILED": "Error while executing command: ./build.sh. Reason: exit status 1",
    "FAULT": "Internal service error", "TIMED_OUT": "Build timed out",
    "STOPPED": "Build was stopped",
}


# ---------------------------------------------------------------- helpers

def _parse_time(value: str) -> datetime.datetime:
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def _iso(value: datetime.datetime) -> str:
    # Same shape as moto's own strings, so moto code reading them keeps working.
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _epochs(value: Any, key: str = "") -> Any:
    """ISO strings under *Time / *Date / created keys -> epoch seconds (what the JS SDK parses)."""
    if isinstance(value, dict):
        return {k: _epochs(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_epochs(v, key) for v in value]
    if isinstance(value, str) and (key.endswith(("Time", "Date")) or key == "created"):
        try:
            return _parse_time(value).timestamp()
        except ValueError:
            pass
    return value


def _ext(backend: CodeBuildBackend) -> dict[str, Any]:
    # Stored on the backend so that /moto-api/reset (which rebuilds backends) clears it.
    return backend.__dict__.setdefault("cody_ext", {"queued": [], "outcomes": {}})


def _all_builds(backend: CodeBuildBackend) -> dict[str, dict[str, Any]]:
    return {b["id"]: b for builds in backend.build_metadata_history.values() for b in builds}


def _outcome(spec: dict[str, Any], default_status: str = "SUCCEEDED") -> dict[str, Any]:
    status = spec.get("status") or default_status
    if status not in ("SUCCEEDED", *_STATUS_CODES):
        raise ValueError(f"unsupported build status {status!r}")
    phase = spec.get("phase") or "BUILD"
    if phase not in _PHASES:
        raise ValueError(f"unsupported phase {phase!r}")
    return {"status": status, "phase": phase,
            "message": spec.get("message") or _DEFAULT_MESSAGES.get(status),
            "polls": int(spec.get("inProgressPolls") or 0)}


# ---------------------------------------------------------------- build life cycle

def _write_phases(build: dict[str, Any], phase: str, status: str | None, message: str | None) -> None:
    """Rebuild build['phases'] from scratch: SUCCEEDED up to `phase`, which is then in progress
    (status None) or ends with `status`; a non-success skips straight to FINALIZING."""
    now = _parse_time(build["startTime"])
    phases: list[dict[str, Any]] = []

    def add(kind: str, result: str | None = None, seconds: int = 1, error: str | None = None) -> None:
        nonlocal now
        entry: dict[str, Any] = {"phaseType": kind, "startTime": _iso(now)}
        if result:
            now += datetime.timedelta(seconds=seconds)
            entry.update(phaseStatus=result, endTime=_iso(now), durationInSeconds=seconds)
        if error:
            entry["contexts"] = [{"statusCode": _STATUS_CODES[result or "FAILED"], "message": error}]
        phases.append(entry)

    add("SUBMITTED", "SUCCEEDED", 0)
    add("QUEUED", "SUCCEEDED", 0)
    for kind in _PHASES:
        if kind == phase and status != "SUCCEEDED":
            if status is None:
                add(kind)
                break
            add(kind, status, error=message)
            if kind != "FINALIZING":
                add("FINALIZING", "SUCCEEDED")
            break
        add(kind, "SUCCEEDED")
    if status is None:
        build.update(currentPhase=phase, buildStatus="IN_PROGRESS", phases=phases)
        return
    add("COMPLETED")
    build.update(currentPhase="COMPLETED", buildStatus=status, buildComplete=True,
                 endTime=_iso(now), phases=phases)


def _enrich_started_build(backend: CodeBuildBackend, build: dict[str, Any],
                          param: Callable[[str], Any]) -> None:
    """moto hard-codes source/environment/logs of a build; use the project's and pick the outcome."""
    project_name = build["projectName"]
    project = backend.codebuild_projects[project_name].project_metadata

    env = copy.deepcopy(project.get("environment") or {})
    variables = {v["name"]: v for v in env.get("environmentVariables") or []}
    variables.update({v["name"]: v for v in param("environmentVariablesOverride") or []})
    env["environmentVariables"] = list(variables.values())
    for override, key in (("imageOverride", "image"), ("computeTypeOverride", "computeType"),
                          ("environmentTypeOverride", "type"),
                          ("privilegedModeOverride", "privilegedMode")):
        if param(override) is not None:
            env[key] = param(override)
    source = copy.deepcopy(project.get("source") or {})
    if param("buildspecOverride"):
        source["buildspec"] = param("buildspecOverride")
    build.update(environment=env, source=source, serviceRole=project.get("serviceRole"),
                 timeoutInMinutes=param("timeoutInMinutesOverride") or project.get("timeoutInMinutes"),
                 sourceVersion=param("sourceVersion") or project.get("sourceVersion") or build["sourceVersion"])

    # Log group/stream named the way CodeBuild names them (logsConfig may override the group / prefix the stream).
    cw = (project.get("logsConfig") or {}).get("cloudWatchLogs") or {}
    s3_logs = (project.get("logsConfig") or {}).get("s3Logs") or {"status": "DISABLED"}
    region, account = backend.region_name, backend.account_id
    if cw.get("status", "ENABLED") == "ENABLED":
        build_uuid = build["id"].split(":", 1)[1]
        group = cw.get("groupName") or f"/aws/codebuild/{project_name}"
        stream = f"{cw['streamName']}/{build_uuid}" if cw.get("streamName") else build_uuid
        build["logs"] = {
            "groupName": group,
            "streamName": stream,
            "deepLink": f"https://console.aws.amazon.com/cloudwatch/home?region={region}"
                        f"#logEvent:group={quote(group, safe='')};stream={quote(stream, safe='')}",
            "cloudWatchLogsArn": f"arn:{backend.partition}:logs:{region}:{account}"
                                 f":log-group:{group}:log-stream:{stream}",
            "cloudWatchLogs": {**cw, "status": "ENABLED"},
            "s3Logs": s3_logs,
        }
    else:
        build["logs"] = {"cloudWatchLogs": {"status": "DISABLED"}, "s3Logs": s3_logs}

    # Outcome: a queued one for this project (or any project) wins, then MOTO_FAIL_BUILD.
    state = _ext(backend)
    chosen = next((q for q in state["queued"] if q["projectName"] in (None, project_name)), None)
    if chosen is not None:
        state["queued"].remove(chosen)
    elif "MOTO_FAIL_BUILD" in variables:
        chosen = _outcome({"status": "FAILED", "message": variables["MOTO_FAIL_BUILD"].get("value")})
    state["outcomes"][build["id"]] = chosen or _outcome({})


def _batch_get_builds(self: CodeBuildBackend, ids: list[str]) -> list[dict[str, Any]]:
    # Replaces moto's version: completes a build once, then returns it unchanged.
    if _plain(self):
        return _original_batch_get_builds(self, ids)
    with _lock:
        builds, found = _all_builds(self), []
        for build_id in ids:
            build = builds.get(build_id)
            if build is None:
                continue
            if not build["buildComplete"]:
                outcome = _ext(self)["outcomes"].setdefault(build_id, _outcome({}))
                if outcome["polls"] > 0:
                    outcome["polls"] -= 1
                    _write_phases(build, "BUILD", None, None)
                else:
                    _write_phases(build, outcome["phase"], outcome["status"], outcome["message"])
            found.append(build)
        return found


def _stop_build(self: CodeBuildBackend, build_id: str) -> dict[str, Any] | None:
    # Replaces moto's version: STOPPED is final (moto's next poll would say SUCCEEDED).
    if _plain(self):
        return _original_stop_build(self, build_id)
    with _lock:
        build = _all_builds(self).get(build_id)
        if build is not None and not build["buildComplete"]:
            current = build["currentPhase"] if build["currentPhase"] in _PHASES else "PROVISIONING"
            _write_phases(build, current, "STOPPED", _DEFAULT_MESSAGES["STOPPED"])
        return build


_original_batch_get_builds = CodeBuildBackend.batch_get_builds
_original_stop_build = CodeBuildBackend.stop_build
CodeBuildBackend.batch_get_builds = _batch_get_builds  # type: ignore[method-assign]
CodeBuildBackend.stop_build = _stop_build  # type: ignore[method-assign]


# ---------------------------------------------------------------- CodeBuild responses

def _patch_response(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Post-process the JSON body of CodeBuildResponse.<name>."""
    def install(post: Callable[..., Any]) -> Callable[..., Any]:
        original = getattr(CodeBuildResponse, name)

        @functools.wraps(original)
        def wrapper(self: CodeBuildResponse) -> str:
            return json.dumps(post(self, json.loads(original(self))))

        setattr(CodeBuildResponse, name, wrapper)
        return post
    return install


@_patch_response("start_build")
def _start_build_body(self: CodeBuildResponse, body: dict[str, Any]) -> dict[str, Any]:
    if _plain(self.codebuild_backend):
        return body
    backend = self.codebuild_backend
    with _lock:
        build = _all_builds(backend)[body["build"]["id"]]  # the stored dict, not a copy
        _enrich_started_build(backend, build, self._get_param)
        return {"build": build}


_start_build_enriched = CodeBuildResponse.start_build


def _idempotent_start_build(self: CodeBuildResponse) -> str:
    # As CodeBuild: a StartBuild sent again with the same idempotencyToken (a retry whose answer was
    # lost) returns the build the first one started instead of starting another.
    token = self._get_param("idempotencyToken")
    if not token or _plain(self.codebuild_backend):
        return _start_build_enriched(self)
    backend = self.codebuild_backend
    with _lock:
        tokens = _ext(backend).setdefault("tokens", {})
        known = _all_builds(backend).get(tokens.get(token, ""))
        if known is not None:
            return json.dumps({"build": known})
        result = _start_build_enriched(self)
        tokens[token] = json.loads(result)["build"]["id"]
        return result


CodeBuildResponse.start_build = functools.wraps(_start_build_enriched)(_idempotent_start_build)  # type: ignore[method-assign]


@_patch_response("batch_get_builds")
def _batch_get_builds_body(self: CodeBuildResponse, body: dict[str, Any]) -> dict[str, Any]:
    found = {b["id"] for b in body["builds"]}
    return {**body, "buildsNotFound": [i for i in self._get_param("ids") if i not in found]}


@_patch_response("batch_get_projects")
def _batch_get_projects_body(self: CodeBuildResponse, body: dict[str, Any]) -> dict[str, Any]:
    found = {key for p in body["projects"] for key in (p["name"], p["arn"])}
    return {**body, "projectsNotFound": [n for n in self._get_param("names") if n not in found]}


for _name in ("list_builds", "list_builds_for_project"):
    @_patch_response(_name)
    def _newest_first_body(self: CodeBuildResponse, body: dict[str, Any]) -> dict[str, Any]:
        # moto keeps start order; AWS lists newest first unless asked otherwise.
        ascending = self._get_param("sortOrder") == "ASCENDING"
        return {**body, "ids": body["ids"] if ascending else body["ids"][::-1]}


def _with_epochs(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: CodeBuildResponse, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        return json.dumps(_epochs(json.loads(result))) if isinstance(result, str) and result else result
    return wrapper


# Every public action, so responses added by newer moto versions are covered too.
for _name, _member in list(vars(CodeBuildResponse).items()):
    if callable(_member) and not _name.startswith("_"):
        setattr(CodeBuildResponse, _name, _with_epochs(_member))


# ---------------------------------------------------------------- CloudFormation

_INT_KEYS = {"timeoutInMinutes", "queuedTimeoutInMinutes", "concurrentBuildLimit", "gitCloneDepth"}
_BOOL_KEYS = {"privilegedMode", "badgeEnabled", "insecureSsl", "reportBuildStatus",
              "encryptionDisabled", "overrideArtifactName", "fetchSubmodules"}


def _api_shape(value: Any, key: str = "") -> Any:
    """CFN PascalCase properties -> CodeBuild API camelCase (YAML scalars may arrive as strings)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            api_key = "buildspec" if k == "BuildSpec" else k[:1].lower() + k[1:]
            out[api_key] = _api_shape(v, api_key)
        return out
    if isinstance(value, list):
        return [_api_shape(v, key) for v in value]
    if isinstance(value, str) and key in _INT_KEYS:
        return int(value)
    if isinstance(value, str) and key in _BOOL_KEYS:
        return value.lower() == "true"
    return value


def _put_project(backend: CodeBuildBackend, name: str, properties: dict[str, Any]) -> None:
    """Create or overwrite (= update in place, keeping build history) a moto CodeBuild project."""
    props = _api_shape(properties)
    missing = [p for p in ("Source", "Artifacts", "Environment", "ServiceRole") if p not in properties]
    if missing:
        raise ValidationError(name, f"AWS::CodeBuild::Project {name}: missing {', '.join(missing)}")
    previous = backend.codebuild_projects.get(name)
    history = backend.build_history.get(name)
    metadata = backend.create_project(
        project_name=name,
        description=props.pop("description", None),
        project_source=props.pop("source"),
        artifacts=props.pop("artifacts"),
        environment=props.pop("environment"),
        service_role=props.pop("serviceRole"),
        tags=props.pop("tags", None),
        cache=props.pop("cache", None),
        timeout=props.pop("timeoutInMinutes", None) or 60,  # AWS defaults
        queued_timeout=props.pop("queuedTimeoutInMinutes", None) or 480,
        source_version=props.pop("sourceVersion", None),
        logs_config=props.pop("logsConfig", None),
        vpc_config=props.pop("vpcConfig", None),
    )
    props.pop("name", None)
    props.pop("triggers", None)  # webhooks are not part of the project in the API
    if "badgeEnabled" in props:
        enabled = bool(props.pop("badgeEnabled"))
        metadata["badge"] = {"badgeEnabled": enabled}
        if enabled:  # AWS's shape: a signed uuid query; ours is a stable stand-in
            import hashlib
            uuid = hashlib.sha256(f"{backend.account_id}/{name}".encode()).hexdigest()[:40]
            metadata["badge"]["badgeRequestUrl"] = (
                f"https://codebuild.{backend.region_name}.amazonaws.com/badges?uuid={uuid}"
            )
    metadata.update(props)  # the rest (secondarySources, concurrentBuildLimit, ...) verbatim
    if previous is not None:
        metadata["created"] = previous.project_metadata["created"]
        backend.build_history[name] = history or []


class CodeBuildProjectResource(CloudFormationModel):
    # moto's model metaclass takes the service name from the 2nd part of __module__.
    __module__ = "moto.codebuild.cfn_ext"

    def __init__(self, account_id: str, region_name: str, name: str):
        self.account_id, self.region_name, self.name = account_id, region_name, name

    @property
    def physical_resource_id(self) -> str:  # what Ref returns
        return self.name

    @property
    def arn(self) -> str:
        return codebuild_backends[self.account_id][self.region_name].codebuild_projects[self.name].arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CodeBuild::Project"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name == "Arn":
            return self.arn
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str, **kwargs: Any
                                        ) -> "CodeBuildProjectResource":
        _put_project(codebuild_backends[account_id][region_name], resource_name,
                     cloudformation_json["Properties"])
        return cls(account_id, region_name, resource_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: "CodeBuildProjectResource",
                                        new_resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str
                                        ) -> "CodeBuildProjectResource":
        properties = cloudformation_json["Properties"]
        # moto proposes a fresh random name on update; CFN keeps a generated name.
        name = properties.get("Name") or original_resource.name
        backend = codebuild_backends[account_id][region_name]
        if name != original_resource.name:  # a rename is a replacement
            backend.delete_project(original_resource.name)
        _put_project(backend, name, properties)
        return cls(account_id, region_name, name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any],
                                        account_id: str, region_name: str) -> None:
        codebuild_backends[account_id][region_name].delete_project(resource_name)

    def is_created(self) -> bool:
        return True


# ---------------------------------------------------------------- CloudFormation change sets

def _sync_exports(backend: CloudFormationBackend, stack: Stack, previous: list[str]) -> None:
    """Re-register the stack's exports (DeleteStack pops every export the stack names, so they must exist)."""
    for name in previous:
        backend.exports.pop(name, None)
    backend._validate_export_uniqueness(stack)
    for export in stack.exports:
        backend.exports[export.name] = export


def _execute_change_set(self: CloudFormationBackend, change_set_name: str,
                        stack_name: str | None = None) -> None:
    """moto applies the template but keeps the outputs (and description) of the stack as it was:
    for a CREATE that is the empty review stack, so an executed change set had no Outputs."""
    change_set = self.describe_change_set(change_set_name)  # ValidationError when unknown
    stack = self.stacks[change_set.stack_id]
    exported = [e.name for e in stack.exports]
    _original_execute_change_set(self, change_set_name, stack_name)
    stack._parse_template()  # moto stores only the text
    stack.description = stack.template_dict.get("Description")
    stack.output_map = stack._create_output_map()
    _sync_exports(self, stack, exported)
    if change_set.change_set_type != "CREATE":  # what UpdateStack does besides the resources
        if change_set.parameters:
            stack.parameters = change_set.parameters
        if change_set.tags is not None:
            stack.tags = change_set.tags
        stack.role_arn = change_set.role_arn


def _create_change_set(self: CloudFormationBackend, stack_name: str, change_set_name: str,
                       template: str, parameters: dict[str, str], description: str,
                       change_set_type: str, notification_arns: list[str] | None = None,
                       tags: dict[str, str] | None = None, role_arn: str | None = None
                       ) -> tuple[str, str]:
    """A CREATE change set reuses a stack in REVIEW_IN_PROGRESS (moto made a second stack of the
    same name) and is refused for a stack that exists otherwise (moto made a duplicate too). A
    retry with the ClientToken of an earlier call returns that call's change set, as AWS does."""
    token = getattr(_request, "client_token", None)
    tokens = self.__dict__.setdefault("cody_tokens", {})
    if token and token in tokens and tokens[token][0] in self.change_sets:
        return tokens[token]
    review = None
    if change_set_type != "UPDATE":  # moto treats anything else as CREATE
        existing = next((s for s in self.stacks.values() if s.name == stack_name), None)
        if existing is not None and existing.status != "REVIEW_IN_PROGRESS":
            raise ValidationError(stack_name, f"Stack [{stack_name}] already exists and cannot be "
                                              f"created again with the changeSet [{change_set_name}].")
        review = existing
    change_set_id, stack_id = _original_create_change_set(
        self, stack_name, change_set_name, template, parameters, description, change_set_type,
        notification_arns, tags, role_arn)
    if review is None:
        if token:
            tokens[token] = (change_set_id, stack_id)
        return change_set_id, stack_id
    fresh = self.stacks.pop(stack_id)
    # The review stack has no resources yet: take the new settings and rebuild its (empty) maps.
    review.parameters, review.tags = fresh.parameters, fresh.tags
    review.notification_arns, review.role_arn = fresh.notification_arns, fresh.role_arn
    review.resource_map = review._create_resource_map()
    review.output_map = review._create_output_map()
    change_set = self.change_sets[change_set_id]
    change_set.stack, change_set.stack_id = review, review.stack_id
    if token:
        tokens[token] = (change_set_id, review.stack_id)
    return change_set_id, review.stack_id


_request = threading.local()  # the ClientToken of the CreateChangeSet being handled
_original_create_change_set_response = CloudFormationResponse.create_change_set


def _create_change_set_response(self: CloudFormationResponse) -> str:
    _request.client_token = self._get_param("ClientToken")
    try:
        return _original_create_change_set_response(self)
    finally:
        _request.client_token = None


CloudFormationResponse.create_change_set = _create_change_set_response  # type: ignore[method-assign]


_original_execute_change_set = CloudFormationBackend.execute_change_set
_original_create_change_set = CloudFormationBackend.create_change_set
CloudFormationBackend.execute_change_set = _execute_change_set  # type: ignore[method-assign]
CloudFormationBackend.create_change_set = _create_change_set  # type: ignore[method-assign]


# ---------------------------------------------------------------- AWS::IAM::Role

def _iam(account_id: str, region_name: str) -> IAMBackend:
    return iam_backends[account_id][get_partition(region_name)]


def _policy_text(document: Any) -> str:
    return document if isinstance(document, str) else json.dumps(document)


def _sync_managed_policies(backend: IAMBackend, role: Role, arns: list[str]) -> None:
    """Attach/detach so the role has exactly `arns` (moto ignores ManagedPolicyArns altogether)."""
    wanted = list(dict.fromkeys(arns))
    for arn in [a for a in role.managed_policies if a not in wanted]:
        backend.detach_role_policy(arn, role.name)
    known = {p.arn for p in backend.managed_policies.values()}
    for arn in [a for a in wanted if a not in role.managed_policies]:
        if arn not in known:
            hint = (" (start the launcher with MOTO_IAM_LOAD_MANAGED_POLICIES=true to get AWS managed policies)"
                    if ":iam::aws:policy/" in arn else "")
            raise ValidationError(message=f"Policy {arn} does not exist or is not attachable.{hint}")
        backend.attach_role_policy(arn, role.name)


def _create_role(cls: type[Role], resource_name: str, cloudformation_json: dict[str, Any],
                 account_id: str, region_name: str, **kwargs: Any) -> Role:
    role = _original_create_role(resource_name, cloudformation_json, account_id, region_name, **kwargs)
    _sync_managed_policies(_iam(account_id, region_name), role,
                           cloudformation_json["Properties"].get("ManagedPolicyArns") or [])
    return role


def _update_role(cls: type[Role], original_resource: Role, new_resource_name: str,
                 cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> Role:
    """moto's update only sets Description (and MaxSessionDuration, from the wrong key); apply every
    property that CloudFormation updates in place, and replace the role when its name or path changes."""
    props = cloudformation_json["Properties"]
    backend = _iam(account_id, region_name)
    if ((props.get("RoleName") or original_resource.name) != original_resource.name
            or (props.get("Path") or "/") != original_resource.path):
        # Replacement, as CloudFormation does it: the new role first, then the old one goes.
        role = Role.create_from_cloudformation_json(props.get("RoleName") or new_resource_name,
                                                    cloudformation_json, account_id, region_name)
        Role.delete_from_cloudformation_json(original_resource.name, cloudformation_json,
                                             account_id, region_name)
        return role
    role = backend.get_role(original_resource.name)
    role.assume_role_policy_document = _policy_text(props["AssumeRolePolicyDocument"])
    role.description = props.get("Description", "")
    role.max_session_duration = props.get("MaxSessionDuration", 3600)
    if props.get("PermissionsBoundary"):
        backend.put_role_permissions_boundary(role.name, props["PermissionsBoundary"])
    else:
        backend.delete_role_permissions_boundary(role.name)
    wanted = {p["PolicyName"]: p["PolicyDocument"] for p in props.get("Policies") or []}
    for name in [n for n in role.policies if n not in wanted]:
        role.delete_policy(name)
    for name, document in wanted.items():
        role.put_policy(name, document)  # stored as create stores it
    _sync_managed_policies(backend, role, props.get("ManagedPolicyArns") or [])
    return role


def _delete_role(cls: type[Role], resource_name: str, cloudformation_json: dict[str, Any],
                 account_id: str, region_name: str) -> None:
    # moto's delete removes inline policies only, and IAM refuses to delete a role with attached ones.
    backend = _iam(account_id, region_name)
    role = next((r for r in backend.roles.values() if r.name == resource_name), None)
    if role is not None:
        _sync_managed_policies(backend, role, [])
    _original_delete_role(resource_name, cloudformation_json, account_id, region_name)


_original_create_role = Role.create_from_cloudformation_json
_original_delete_role = Role.delete_from_cloudformation_json
Role.create_from_cloudformation_json = classmethod(_create_role)  # type: ignore[assignment]
Role.update_from_cloudformation_json = classmethod(_update_role)  # type: ignore[assignment]
Role.delete_from_cloudformation_json = classmethod(_delete_role)  # type: ignore[assignment]


# ---------------------------------------------------------------- /moto-api/codebuild/build-outcome

_JSON_HEADERS = {"Content-Type": "application/json"}


def _posted_json(request: Any, usage: str) -> tuple[dict[str, Any], None] | tuple[None, tuple[int, dict[str, str], str]]:
    """The JSON object POSTed to a moto-api endpoint, or the error answer to send instead."""
    if request.method != "POST":
        return None, (405, _JSON_HEADERS, json.dumps({"error": usage}))
    try:
        # get_data: request.data is empty for form-encoded posts (curl -d, urllib defaults)
        spec = json.loads(request.get_data(parse_form_data=False) or b"{}")
    except ValueError as error:
        return None, (400, _JSON_HEADERS, json.dumps({"error": str(error)}))
    if not isinstance(spec, dict):
        return None, (400, _JSON_HEADERS, json.dumps({"error": "expected a JSON object"}))
    return spec, None


def _codebuild_backend(spec: dict[str, Any]) -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID

    account = spec.get("accountId") or os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
    return codebuild_backends[account][spec.get("region") or "us-east-1"]


def _build_outcome_endpoint(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    spec, refused = _posted_json(request, "POST a JSON body")
    if spec is None:
        return refused  # type: ignore[return-value]
    try:
        outcome = _outcome(spec, default_status="FAILED")
    except ValueError as error:
        return 400, _JSON_HEADERS, json.dumps({"error": str(error)})
    backend = _codebuild_backend(spec)
    with _lock:
        state = _ext(backend)
        if spec.get("buildId"):
            build = _all_builds(backend).get(spec["buildId"])
            if build is None or build["buildComplete"]:
                return 404, _JSON_HEADERS, json.dumps({"error": "no unfinished build " + spec["buildId"]})
            state["outcomes"][build["id"]] = outcome
        else:
            state["queued"].append({**outcome, "projectName": spec.get("projectName")})
    return 200, _JSON_HEADERS, json.dumps({"status": "ok"})


def _plain_builds_endpoint(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    spec, refused = _posted_json(request, "POST (an optional JSON body)")
    if spec is None:
        return refused  # type: ignore[return-value]
    _codebuild_backend(spec).__dict__["cody_plain_builds"] = True
    return 200, _JSON_HEADERS, json.dumps({"status": "ok"})


def _launcher_endpoint(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    # Lets the Node side check that the server answering on its port is the process it spawned.
    import moto

    # "parent": a sibling's first server (see _fork_siblings), so the Node side can tell its siblings too.
    return 200, {"Content-Type": "application/json"}, json.dumps({"pid": os.getpid(), "parent": os.getppid(), "moto": moto.__version__})


def _lighten_requests() -> None:
    """Per-request work that answers the same every time, done once (about half of moto's CPU in the e2e run).

    moto asks list_of_moto_modules() (a listdir and ~180 stats of its own package folder) twice for every
    request, to tell a service name from a host name; the folder does not change while the server runs.
    werkzeug writes an access-log line per request, which nothing reads (the Node side keeps a log tail for
    start-up failures and tracebacks, logged at ERROR, which stay); MOTO_ACCESS_LOG=1 keeps the lines.
    moto parses every template with PyYAML's pure-Python loader (~30 ms for cody's); it gets the same
    loader class built on libyaml (same YAML 1.1 rules, same tag constructor) when PyYAML has it. Only
    CloudFormation uses yaml.Loader in moto, always after registering that constructor.
    """
    import logging

    import moto.backends
    import yaml
    from moto.cloudformation.utils import yaml_tag_constructor

    modules = frozenset(moto.backends.list_of_moto_modules())
    moto.backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]
    if os.environ.get("MOTO_ACCESS_LOG") != "1":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if getattr(yaml, "__with_libyaml__", False):
        class TemplateLoader(yaml.CLoader):  # type: ignore[misc, name-defined]
            pass

        TemplateLoader.add_multi_constructor("", yaml_tag_constructor)
        yaml.Loader = TemplateLoader  # type: ignore[misc]


def _fork_siblings(argv: list[str]) -> list[str]:
    """CODY_MOTO_SIBLING_PORTS=p2,p3: one more server per port, forked once everything is imported.

    A moto costs ~2.5 s of CPU to start, nearly all of it imports; a forked copy shares them. Each sibling is
    a process of its own (its own state, /moto-api/reset included) on its own port, and ends with this one
    (PR_SET_PDEATHSIG on Linux, and a SIGTERM from here at exit). Returns the argv this process serves with.
    """
    ports = [p for p in os.environ.pop("CODY_MOTO_SIBLING_PORTS", "").split(",") if p]
    if not ports or not hasattr(os, "fork"):
        return argv
    import atexit
    import ctypes
    import signal

    from moto.moto_server.werkzeug_app import create_backend_app

    # The services the e2e files call: their modules imported once here, not again in every sibling (~0.5 s).
    for service in ("cloudformation", "codebuild", "iam", "sts", "logs", "events", "ssm", "secretsmanager", "scheduler"):
        create_backend_app(service)
    children: list[int] = []
    for port in ports:
        pid = os.fork()
        if pid == 0:
            try:  # die with the first server, even when it is SIGKILLed
                ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
            except (OSError, AttributeError):
                pass
            if os.getppid() == 1:  # the first server is already gone
                os._exit(0)
            at = argv.index("-p") if "-p" in argv else -1
            return [*argv[:at], "-p", port, *argv[at + 2:]] if at >= 0 else [*argv, "-p", port]
        children.append(pid)

    def stop_children() -> None:
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except OSError:
                pass

    atexit.register(stop_children)
    return argv


def main(argv: list[str]) -> None:
    import moto.moto_api._internal.urls as moto_api_urls
    import moto.server

    # The moto-api app is built lazily from this dict on its first request.
    moto_api_urls.url_paths["{0}/moto-api/codebuild/build-outcome"] = _build_outcome_endpoint
    moto_api_urls.url_paths["{0}/moto-api/codebuild/launcher"] = _launcher_endpoint
    moto_api_urls.url_paths["{0}/moto-api/codebuild/plain-builds"] = _plain_builds_endpoint

    _lighten_requests()

    global _PLAIN_BUILDS
    if "--plain-builds" in argv:
        argv = [a for a in argv if a != "--plain-builds"]
        _PLAIN_BUILDS = True

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    host = parser.parse_known_args(argv)[0].host
    if host not in ("127.0.0.1", "localhost"):
        sys.exit(f"launcher.py: refusing to bind {host}; only 127.0.0.1 is allowed")
    moto.server.main(_fork_siblings(argv))


if __name__ == "__main__":
    main(sys.argv[1:])
