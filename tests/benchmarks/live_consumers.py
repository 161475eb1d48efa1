"""Warraq's exports in the real Label Studio and doccano servers, through their HTTP APIs.

Not a test (each server is a heavy install): a script that reproduces the check of issue 14
("checked again in Label Studio and doccano"). Start the servers yourself on 127.0.0.1,
e.g. in throwaway venvs::

    python3 -m venv /tmp/v-ls && /tmp/v-ls/bin/pip install label-studio
    /tmp/v-ls/bin/label-studio start --no-browser --host 127.0.0.1 --port 8089 \\
        --data-dir /tmp/ls-data --username admin@example.com --password PASS
    python3 -m venv /tmp/v-dc && /tmp/v-dc/bin/pip install doccano 'marshmallow<4' 'numpy<2'
    DOCCANO_HOME=/tmp/dc-home doccano init && doccano createuser --username admin --password P
    DOCCANO_HOME=/tmp/dc-home doccano webserver --port 8011 & doccano task &

then ``python tests/benchmarks/live_consumers.py --ls-password PASS --dc-password P``.

It makes a store as an annotator would (``warraq suggest`` on the sample corpus; accepted,
corrected and rejected suggestions, some left pending; an event with two arguments), exports
Label Studio tasks with predictions and the event relations, and doccano JSONL; imports each
into its server; reads the annotations back through the API; and compares offsets, texts and
labels with the store. Label Studio's own export is also imported back with ``warraq import``.
Prints one line per check and exits non-zero on any mismatch.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from store.records import SpanStatus  # noqa: E402
from store.store import Store  # noqa: E402
from tui.cli import main as warraq  # noqa: E402
from tui.services.article_session import ArticleSession  # noqa: E402


class Http:
    """A cookie-keeping client with optional token or CSRF header (stdlib only)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.headers: dict[str, str] = {}

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def call(self, method: str, path: str, body: Any = None, *, form: bool = False,
             raw: bytes | None = None, content_type: str | None = None) -> Any:
        headers = dict(self.headers)
        csrf = self.cookie("csrftoken")
        if csrf:
            headers["X-CSRFToken"] = csrf
            headers["Referer"] = self.base + "/"
        data = raw
        if body is not None and raw is None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body, ensure_ascii=False).encode()
                headers["Content-Type"] = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers,
                                         method=method)
        with self.opener.open(request, timeout=120) as response:
            payload = response.read()
        if not payload:
            return None
        try:
            return json.loads(payload)
        except ValueError:
            return payload.decode("utf-8", "replace")


# ---------------------------------------------------------------------- the store
def make_store(root: Path) -> dict[str, Any]:
    """Suggest, then decide as an annotator would on every article; returns what to expect."""
    assert warraq(["suggest", "--store", str(root), "--annotator", "gazetteer"]) == 0
    with Store.open(root, annotator="checker") as store:
        ids = sorted(store.article_ids())
        for n, article_id in enumerate(ids):
            art = store.get(article_id)
            session = ArticleSession(store, store.schema, article_id, art.text)
            pending = session.pending()
            for i, span in enumerate(pending):
                if i % 4 == 0:
                    session.accept(span.start, span.end)
                elif i % 4 == 1:
                    session.label(span.start, span.end, "ORG", selection=False)
                elif i % 4 == 2:
                    session.reject(span.start, span.end)
            if n == 0:
                accepted = [e for e in store.annotations(article_id).entities
                            if e.status == SpanStatus.ACCEPTED]
                trigger = art.text.index("التقى") if "التقى" in art.text else 0
                event = session.add_event(trigger, trigger + 5, "MEET")
                session.set_argument(event.id, "SOURCE", accepted[0].id)
                session.set_argument(event.id, "TARGET", accepted[1].id)
        expected = {}
        for article_id in ids:
            ann = store.annotations(article_id)
            expected[article_id] = {
                "text": store.get(article_id).text,
                "accepted": {(e.start, e.end, e.text, e.label) for e in ann.entities
                             if e.status == SpanStatus.ACCEPTED},
                "pending": {(e.start, e.end, e.text, e.label) for e in ann.entities
                            if e.status == SpanStatus.PENDING},
                "events": [(v.type, v.trigger_start, v.trigger_end,
                            sorted((a.role, next((e.start, e.end) for e in ann.entities
                                                 if e.id == a.entity_id))
                                   for a in v.arguments)) for v in ann.events],
            }
    return expected


# ---------------------------------------------------------------------- Label Studio
def label_studio(args: argparse.Namespace, root: Path, work: Path,
                 expected: dict[str, Any]) -> list[str]:
    tasks, config = work / "tasks.json", work / "config.xml"
    assert warraq(["export", "--store", str(root), "--format", "labelstudio", "--status",
                   "accepted,pending", "--out", str(tasks), "--config", str(config)]) == 0
    ls = Http(args.ls_url)
    ls.call("GET", "/user/login/")
    ls.call("POST", "/user/login/", {"email": args.ls_user, "password": args.ls_password,
                                      "csrfmiddlewaretoken": ls.cookie("csrftoken") or ""},
            form=True)
    version = ls.call("GET", "/api/version")
    project = ls.call("POST", "/api/projects", {
        "title": f"warraq-{uuid.uuid4().hex[:6]}",
        "label_config": config.read_text(encoding="utf-8")})
    pid = project["id"]
    ls.call("POST", f"/api/projects/{pid}/import",
            json.loads(tasks.read_text(encoding="utf-8")))
    exported = ls.call("GET", f"/api/projects/{pid}/export?exportType=JSON"
                              "&download_all_tasks=true")
    problems: list[str] = []
    release = version.get("release") or version.get("label-studio-os-package", {}).get("version")
    said = [f"Label Studio {release}: {len(exported)} tasks back"]
    regions = predicted = relations = 0
    for task in exported:
        text = task["data"]["text"]
        article_id = next((a for a, e in expected.items() if e["text"] == text), None)
        if article_id is None:
            problems.append("a task whose text is no exported article")
            continue
        want = expected[article_id]
        got_acc = set()
        for ann in task.get("annotations", []):
            for r in ann.get("result", []):
                if r.get("type") == "labels" and r.get("from_name") == "label":
                    v = r["value"]
                    got_acc.add((v["start"], v["end"], v["text"], v["labels"][0]))
                    if text[v["start"]:v["end"]] != v["text"]:
                        problems.append(f"{article_id}: region text ≠ offsets {v}")
                if r.get("type") == "relation":
                    relations += 1
        got_pred = set()
        predictions = task.get("predictions", [])
        if predictions and not isinstance(predictions[0], dict):  # the export lists ids
            predictions = ls.call("GET", f"/api/predictions/?task={task['id']}")
        for pred in predictions:
            if str(pred.get("model_version", "")).startswith("rejected:"):
                continue
            for r in pred.get("result", []):
                if r.get("type") == "labels":
                    v = r["value"]
                    got_pred.add((v["start"], v["end"], v["text"], v["labels"][0]))
        regions += len(got_acc)
        predicted += len(got_pred)
        if got_acc != want["accepted"]:
            problems.append(f"{article_id}: annotations differ: {got_acc ^ want['accepted']}")
        if got_pred != want["pending"]:
            problems.append(f"{article_id}: predictions differ: {got_pred ^ want['pending']}")
    want_relations = sum(len(v[3]) for e in expected.values() for v in e["events"])
    if relations != want_relations:
        problems.append(f"relations: {relations} back, {want_relations} exported")
    said.append(f"{regions} accepted regions, {predicted} predictions, {relations} relations "
                "compared with the store")
    # Label Studio's own export, read back by Warraq into a fresh store.
    back_file = work / "ls-export.json"
    back_file.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    fresh = work / "ls-back"
    assert warraq(["import", str(back_file), "--format", "labelstudio", "--store",
                   str(fresh)]) == 0
    with Store.open(fresh, annotator="checker") as store:
        for article_id in store.article_ids():
            art = store.get(article_id)
            want = next(e for e in expected.values() if e["text"] == art.text)
            ann = store.annotations(article_id)
            got = {(e.start, e.end, e.text, e.label) for e in ann.entities
                   if e.status == SpanStatus.ACCEPTED}
            if got != want["accepted"]:
                problems.append(f"warraq import of LS's export: {got ^ want['accepted']}")
            events = [(v.type, v.trigger_start, v.trigger_end,
                       sorted((a.role, next((e.start, e.end) for e in ann.entities
                                            if e.id == a.entity_id)) for a in v.arguments))
                      for v in ann.events]
            if sorted(events) != sorted(want["events"]):
                problems.append(f"warraq import of LS's export: events {events}")
    said.append("LS's own export imported back by warraq: compared")
    return said + [f"MISMATCH {p}" for p in problems]


# ---------------------------------------------------------------------- doccano
def _doccano_project(dc: Http, path: Path, relations: bool) -> tuple[int, list[str]]:
    """A sequence-labelling project (with relations for ``--variant entities``) holding
    ``path``, imported through doccano's upload API; returns its id and any problem."""
    project = dc.call("POST", "/v1/projects", {
        "name": f"warraq-{uuid.uuid4().hex[:6]}", "description": "warraq export check",
        "project_type": "SequenceLabeling", "resourcetype": "SequenceLabelingProject",
        "allow_overlapping": True, "collaborative_annotation": True,
        "use_relation": relations})
    pid = project["id"]
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"filepond\"; "
            f"filename=\"warraq.jsonl\"\r\nContent-Type: application/json\r\n\r\n"
            ).encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    upload = dc.call("POST", "/v1/fp/process/", raw=body,
                     content_type=f"multipart/form-data; boundary={boundary}")
    task = dc.call("POST", f"/v1/projects/{pid}/upload", {
        "format": "JSONL", "task": "RelationExtraction" if relations else "SequenceLabeling",
        "uploadIds": [upload], "column_data": "text", "column_label": "label"})
    status: dict[str, Any] = {}
    for _ in range(120):
        status = dc.call("GET", f"/v1/tasks/status/{task['task_id']}")
        if status.get("ready"):
            break
        time.sleep(1)
    problems = [f"doccano import: {status['error']}"] if status.get("error") else []
    return pid, problems


def doccano(args: argparse.Namespace, root: Path, work: Path,
            expected: dict[str, Any]) -> list[str]:
    dc = Http(args.dc_url)
    key = dc.call("POST", "/v1/auth/login/", {"username": args.dc_user,
                                              "password": args.dc_password})["key"]
    dc.headers["Authorization"] = f"Token {key}"
    said: list[str] = []
    problems: list[str] = []
    for variant in ("label", "entities"):
        out = work / f"doccano-{variant}.jsonl"
        assert warraq(["export", "--store", str(root), "--format", "doccano", "--variant",
                       variant, "--out", str(out)]) == 0
        relations = variant == "entities"
        pid, failed = _doccano_project(dc, out, relations)
        problems += failed
        types = {t["id"]: t["text"] for t in dc.call("GET", f"/v1/projects/{pid}/span-types")}
        roles = ({t["id"]: t["text"]
                  for t in dc.call("GET", f"/v1/projects/{pid}/relation-types")}
                 if relations else {})
        examples = dc.call("GET", f"/v1/projects/{pid}/examples?limit=1000")["results"]
        spans_back = links_back = 0
        for example in examples:
            text = example["text"]
            article_id = next((a for a, e in expected.items() if e["text"] == text), None)
            if article_id is None:
                problems.append("an example whose text is no exported article")
                continue
            want = expected[article_id]
            spans = dc.call("GET", f"/v1/projects/{pid}/examples/{example['id']}/spans")
            where = {s["id"]: (s["start_offset"], s["end_offset"]) for s in spans}
            got = {(s["start_offset"], s["end_offset"],
                    text[s["start_offset"]:s["end_offset"]], types[s["label"]]) for s in spans}
            wanted = set(want["accepted"])
            if relations:
                wanted |= {(ts, te, text[ts:te], kind) for kind, ts, te, _ in want["events"]
                           if _}  # an event without arguments is a plain span there
            spans_back += len(got)
            if got != wanted:
                problems.append(f"{variant}: {article_id}: spans differ: {got ^ wanted}")
            if relations:
                links = dc.call("GET",
                                f"/v1/projects/{pid}/examples/{example['id']}/relations")
                got_links = {(where[r["from_id"]], where[r["to_id"]], roles[r["type"]])
                             for r in links}
                want_links = {((ts, te), target, role) for _, ts, te, args in want["events"]
                              for role, target in args}
                links_back += len(got_links)
                if got_links != want_links:
                    problems.append(f"{article_id}: relations differ: {got_links ^ want_links}")
        said.append(f"doccano {variant} variant: {len(examples)} examples, {spans_back} spans"
                    + (f", {links_back} relations" if relations else "") + " back, compared")
    return said + [f"MISMATCH {p}" for p in problems]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ls-url", default="http://127.0.0.1:8089")
    parser.add_argument("--ls-user", default="admin@example.com")
    parser.add_argument("--ls-password")
    parser.add_argument("--dc-url", default="http://127.0.0.1:8011")
    parser.add_argument("--dc-user", default="admin")
    parser.add_argument("--dc-password")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="warraq-consumers-"))
    root = work / "store"
    expected = make_store(root)
    print(f"store: {sum(len(e['accepted']) for e in expected.values())} accepted, "
          f"{sum(len(e['pending']) for e in expected.values())} pending, "
          f"{sum(len(e['events']) for e in expected.values())} events in {len(expected)} "
          f"articles ({work})")
    lines: list[str] = []
    if args.ls_password:
        lines += label_studio(args, root, work, expected)
    if args.dc_password:
        lines += doccano(args, root, work, expected)
    for line in lines:
        print(line)
    return 1 if any(line.startswith("MISMATCH") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
