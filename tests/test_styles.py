"""Save as a WebUI style: a styles.csv with odd quoting, commas and newlines keeps every byte it had; the
WebUI's reader (csv.DictReader, skipinitialspace, utf-8-sig, as modules/styles.py reads it) sees every style
it saw plus the new one; a name that exists is refused unless replacing; inside the WebUI the host's store
names the file and is reloaded; the CLI and the API in front of it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sdpa_ext.errors import ConfigError
from sdpa_ext.server.api import make_router
from sdpa_ext.service import Service
from sdpa_ext.styles import HostStyles, Style, StyleExists, StylesFile, make_style, template_of
from sdpa_ext.types import PromptVersion

from .test_cli import run_cli  # noqa: F401  (the fixture)

ODD = ('\ufeffname,prompt,negative_prompt,extra column\r\n'
       '"Cinematic, wide","{prompt}, anamorphic, ""film"" look, 35mm","cartoon, ""3d""",x\r\n'
       '# a comment row,ignored,ignored,\r\n'
       '\r\n'
       'Multi,"line one\r\nline two, {prompt}\nline three",,\r\n'
       '"Quoted for no reason","plain","",""\r\n'
       'Spaced,  leading spaces are skipped by the reader,neg,\r\n'
       'Last,no newline at the end,,').encode("utf-8")


def webui_reads(data: bytes) -> dict[str, tuple[str, str]]:
    """What the WebUI's StyleDatabase.load_from_csv keeps: name -> (prompt, negative), comments skipped."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), skipinitialspace=True)
    return {row["name"]: (row["prompt"], row.get("negative_prompt") or "") for row in reader
            if row and not row["name"].startswith("#")}


def test_adding_a_style_keeps_every_byte_of_an_odd_file(tmp_path):
    path = tmp_path / "styles.csv"
    path.write_bytes(ODD)
    before = webui_reads(ODD)
    assert len(before) == 5 and before["Multi"][0] == "line one\r\nline two, {prompt}\nline three"
    style = Style("Mine, with a comma", 'a "quoted" word, {prompt}\nsecond line', "blurry, \"bad\"")
    saved = StylesFile(path).save(style)
    data = path.read_bytes()
    assert data.startswith(ODD) and saved.replaced is False and saved.path == str(path)
    assert saved.file == "styles.csv"  # answers name the file, not the server's folders
    assert data[len(ODD):].startswith(b"\r\n")  # the last row had no line end: one is added first
    assert webui_reads(data) == {**before, style.name: (style.prompt, style.negative_prompt)}
    assert StylesFile(path).styles()[style.name] == style


def test_a_name_that_exists_is_refused_then_replaced_in_place(tmp_path):
    path = tmp_path / "styles.csv"
    path.write_bytes(ODD)
    with pytest.raises(StyleExists, match="a style named 'Multi' exists"):
        StylesFile(path).save(Style("Multi", "new"))
    assert path.read_bytes() == ODD  # nothing written
    StylesFile(path).save(Style("Multi", "new, {prompt}", "new negative"), replace=True)
    data = path.read_bytes()
    start, end = ODD.index(b"Multi,"), ODD.index(b'"Quoted for')
    assert data[:start] == ODD[:start] and data[-(len(ODD) - end):] == ODD[end:]
    assert data[start:-(len(ODD) - end)] == b'Multi,"new, {prompt}",new negative,\r\n'
    assert webui_reads(data)["Multi"] == ("new, {prompt}", "new negative")
    assert len(webui_reads(data)) == 5


def test_line_endings_and_a_new_file(tmp_path):
    unix = tmp_path / "unix.csv"
    unix.write_bytes(b"name,prompt,negative_prompt\nA,a,b")
    StylesFile(unix).save(Style("B", "x, y"))
    assert unix.read_bytes() == b'name,prompt,negative_prompt\nA,a,b\nB,"x, y",\n'
    new = tmp_path / "folder" / "styles.csv"
    StylesFile(new).save(Style("First", "a, {prompt}", "n"))
    assert new.read_bytes() == '\ufeffname,prompt,negative_prompt\r\nFirst,"a, {prompt}",n\r\n'.encode()
    old = tmp_path / "old.csv"
    old.write_bytes(b"name,text\r\nA,a\r\n")
    StylesFile(old).save(Style("B", "b"))
    assert webui_reads(old.read_bytes().replace(b"text", b"prompt"))["B"] == ("b", "")
    with pytest.raises(ConfigError, match="no negative_prompt column"):
        StylesFile(old).save(Style("C", "c", "negative"))
    broken = tmp_path / "latin.csv"
    broken.write_bytes("name,prompt\r\ncafé,x\r\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        StylesFile(broken).save(Style("D", "d"))


def test_whole_prompts_and_templates_around_the_subject():
    prompt = "masterpiece, best quality, a red fox in fresh snow, golden hour, film grain"
    assert make_style("Fox", prompt).prompt == prompt
    template = make_style("Fox", prompt, template=True).prompt
    assert template == "masterpiece, best quality, {prompt}, golden hour, film grain"
    assert template.replace("{prompt}", "an owl on a branch") == (
        "masterpiece, best quality, an owl on a branch, golden hour, film grain")  # as the WebUI applies it
    assert template_of("<lora:x:0.5>, portrait of a young woman, freckles") == "<lora:x:0.5>, {prompt}, freckles"
    # issue 26, point 14: a medium written in the subject's term is the style's, not the subject's
    assert template_of("photo of a red fox in snow, 85mm lens") == "photo of {prompt}, 85mm lens"
    assert template_of("a watercolor painting of a lighthouse, soft light") == "a watercolor painting of {prompt}, " \
        "soft light"
    assert template_of(prompt, subject="Red Fox") == prompt.replace("red fox", "{prompt}")
    assert make_style("T", "{prompt}, cinematic", template=True).prompt == "{prompt}, cinematic"
    with pytest.raises(ConfigError, match="subject"):
        template_of(prompt, subject="a unicorn")
    for name, says in (("", "is empty"), ("# note", "comment"), ("x" * 101, "limit is 100")):
        with pytest.raises(ConfigError, match=says):
            make_style(name, prompt)
    assert make_style("  two\nlines  ", prompt).name == "two lines"


def test_inside_the_webui_the_hosts_store_names_the_file_and_reloads(tmp_path):
    default, other = tmp_path / "styles.csv", tmp_path / "styles-mine.csv"
    default.write_bytes(b"name,prompt,negative_prompt\r\n")
    other.write_bytes(b"name,prompt,negative_prompt\r\nMine,old,\r\n")
    reloads = []
    database = SimpleNamespace(default_path=str(default), reload=lambda: reloads.append(1),
                               styles={"Mine": SimpleNamespace(name="Mine", path=str(other))})
    store = HostStyles(database)
    with pytest.raises(StyleExists, match=r"styles-mine\.csv"):
        store.save(Style("Mine", "new"))
    assert reloads == []
    assert store.save(Style("Mine", "new"), replace=True).path == str(other)  # replaced where it lives
    assert webui_reads(other.read_bytes()) == {"Mine": ("new", "")}
    assert store.save(Style("Fresh", "f")).path == str(default) and len(reloads) == 2


def test_the_service_saves_the_current_version_or_given_fields(make_settings):
    service = Service(make_settings())
    with pytest.raises(ConfigError, match="make a prompt first"):
        service.save_style("S", session="s")
    service.line("s").push(PromptVersion(prompt="a cabin in snow, dusk, film grain", negative_prompt="blurry"))
    saved = service.save_style("Snow", template=True, session="s")
    assert (saved.style.prompt, saved.style.negative_prompt) == ("{prompt}, dusk, film grain", "blurry")
    assert saved.path == str(service.settings.styles_file) and service.settings.styles_file.name == "styles.csv"
    with pytest.raises(ConfigError, match="limit is 10,000"):
        service.save_style("Long", prompt="x" * 10_001, session="s")


@pytest.fixture
def client(make_settings):
    service = Service(make_settings())
    app = FastAPI()
    app.include_router(make_router(lambda: service), prefix="/sdpa/v1")
    return TestClient(app, base_url="http://127.0.0.1:7860"), service


def test_api_style(client):
    http, service = client
    body = {"name": "Dusk", "prompt": "a cabin, dusk, (warm light:1.2)", "negative_prompt": "blurry",
            "template": True}
    first = http.post("/sdpa/v1/style", json=body)
    assert first.status_code == 200, first.text
    assert first.json() == {"name": "Dusk", "prompt": "{prompt}, dusk, (warm light:1.2)", "negative_prompt": "blurry",
                            "file": "styles.csv", "replaced": False}
    again = http.post("/sdpa/v1/style", json=body)
    assert again.status_code == 409 and again.json()["detail"][0]["loc"] == ["body", "name"]
    assert 'send "replace": true to replace it' in again.json()["error"] and "--replace" not in again.json()["error"]
    replaced = http.post("/sdpa/v1/style", json={**body, "replace": True, "template": False})
    assert replaced.json()["replaced"] is True and replaced.json()["prompt"] == body["prompt"]
    for bad, field in (({"prompt": "x"}, "name"), ({**body, "template": "yes"}, "template"),
                       ({**body, "file": "/etc/passwd"}, "file"), ({**body, "name": "#x"}, "name")):
        response = http.post("/sdpa/v1/style", json=bad)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", field], bad
    assert list(StylesFile(service.settings.styles_file).styles()) == ["Dusk"]


def test_cli_style(run_cli, tmp_path):  # noqa: F811
    made = run_cli("refine", "--prompt", "a red fox in fresh snow, golden hour", "--chip", "darker")
    assert made.returncode == 0, made.stderr
    saved = run_cli("style", "Fox night", "--template", "--json")
    assert saved.returncode == 0, saved.stderr
    data = json.loads(saved.stdout)
    assert data["prompt"].startswith("{prompt}, ") and "low key lighting" in data["prompt"]
    assert data["file"] == str(tmp_path / "data" / "styles.csv")
    again = run_cli("style", "Fox night", "--prompt", "x")
    assert again.returncode == 2 and "exists" in again.stderr and "add --replace to replace it" in again.stderr
    assert '"replace"' not in again.stderr and "Replace it" not in again.stderr  # the CLI's own way alone
    assert run_cli("style", "Fox night", "--prompt", "x", "--replace").returncode == 0
    assert webui_reads((tmp_path / "data" / "styles.csv").read_bytes()) == {"Fox night": ("x", "")}


def test_a_linked_styles_file_is_written_through_and_a_fifo_is_refused(tmp_path):
    if os.name != "posix":
        pytest.skip("FIFOs and links are POSIX's here")
    real = tmp_path / "webui" / "styles.csv"
    real.parent.mkdir()
    real.write_text("name,prompt,negative_prompt\r\nOld,old prompt,\r\n", encoding="utf-8")
    link = tmp_path / "styles.csv"
    link.symlink_to(real)
    StylesFile(link).save(Style("New", "new prompt"))
    assert link.is_symlink() and set(StylesFile(real).styles()) == {"Old", "New"}  # the WebUI's file has it
    fifo = tmp_path / "fifo" / "styles.csv"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    errors = []

    def save():
        try:
            StylesFile(fifo).save(Style("New", "new prompt"))
        except ConfigError as err:
            errors.append(str(err))

    worker = threading.Thread(target=save, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive() and errors and "not a regular file" in errors[0], errors


def test_styles_saved_at_once_are_all_kept(tmp_path):
    path = tmp_path / "styles.csv"
    start = threading.Barrier(20)

    def save(n):
        start.wait()
        StylesFile(path).save(Style(f"Style {n}", f"prompt {n}"))

    workers = [threading.Thread(target=save, args=(n,)) for n in range(20)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert set(StylesFile(path).styles()) == {f"Style {n}" for n in range(20)}


SAVER = """
import sys, time
from pathlib import Path
from sdpa_ext.styles import Style, StylesFile
path, who, go = sys.argv[1:]
while not Path(go).exists():
    time.sleep(0.001)
for n in range(25):
    StylesFile(path).save(Style(f"{who} {n}", f"prompt {n}"))
"""


def test_styles_saved_at_once_from_several_processes_are_all_kept(tmp_path):
    path, go = tmp_path / "styles.csv", tmp_path / "go"
    root = Path(__file__).resolve().parent.parent
    savers = [subprocess.Popen([sys.executable, "-c", SAVER, str(path), f"P{k}", str(go)], cwd=root)
              for k in range(4)]
    time.sleep(1)  # every process imported and waits
    go.touch()
    assert [saver.wait(120) for saver in savers] == [0, 0, 0, 0]
    assert set(StylesFile(path).styles()) == {f"P{k} {n}" for k in range(4) for n in range(25)}
    assert (tmp_path / "styles.csv.lock").exists()  # the lock lies beside the file


def test_names_lose_invisible_characters_and_formulas_and_prompts_lose_formulas(tmp_path):
    prompt = "a red fox, snow"
    assert make_style("\x00Cozy\u202e cabin\u2066\u200b\u200e\u200f\u2069\ufeff", prompt).name == "Cozy cabin"
    for name, kept in (('=HYPERLINK("http://x","y")', 'HYPERLINK("http://x","y")'), ("+1", "1"), ("-2", "2"),
                       ("@SUM(A1)", "SUM(A1)"), ("=-+@ x", "x"), ("\u202e=cmd", "cmd"), ("a=b", "a=b")):
        assert make_style(name, prompt).name == kept, name
    for name, says in (("=", "is empty"), ("\u200b\x07", "is empty"), ("=#x", "comment")):
        with pytest.raises(ConfigError, match=says):
            make_style(name, prompt)
    style = make_style("Fox", "=cmd|' /C calc'!A0, fox", "-blurry, +bad @x")
    assert (style.prompt, style.negative_prompt) == ("cmd|' /C calc'!A0, fox", "blurry, +bad @x")
    assert make_style("Fox", "fox", "@").negative_prompt == ""
    with pytest.raises(ConfigError, match="nothing to save"):
        make_style("Fox", "=+")
    path = tmp_path / "styles.csv"
    StylesFile(path).save(make_style("@Fox", "+fox, {prompt}", "=blurry"))
    assert webui_reads(path.read_bytes()) == {"Fox": ("fox, {prompt}", "blurry")}


USERS = {"alice": "alice-passphrase-0123", "bob": "bob-passphrase-4567890", "carol": "carol-passphrase-89012"}


def _served(make_settings):
    """`serve` with three users; alice, the first, is the administrator."""
    from sdpa_ext.server.app import access_for, create_app

    service = Service(make_settings({"LLM_PROVIDER": "ollama", "OLLAMA_HOST": "127.0.0.1:9"}))
    access = access_for("127.0.0.1", {"SDPA_SERVE_AUTH": ",".join(f"{u}:{p}" for u, p in USERS.items())})
    return service, TestClient(create_app(service, ui=False, access=access), base_url="http://127.0.0.1")


def test_replacing_another_users_style_needs_an_administrator(make_settings):
    service, client = _served(make_settings)

    def save(who: str, name: str, prompt: str, replace: bool = True) -> int:
        body = {"name": name, "prompt": prompt, "replace": replace}
        return client.post("/sdpa/v1/style", json=body, auth=(who, USERS[who])).status_code

    def kept(name: str) -> str:
        return StylesFile(service.settings.styles_file).styles()[name].prompt

    assert save("bob", "x", "bob's", replace=False) == 200
    assert save("bob", "x", "bob's again") == 200  # his own
    assert save("carol", "x", "carol's") == 403 and kept("x") == "bob's again"
    assert save("alice", "x", "alice's") == 200 and kept("x") == "alice's"  # the administrator
    assert save("bob", "x", "bob's back") == 403 and save("carol", "x", "carol's") == 403
    assert kept("x") == "alice's"
    assert save("bob", "y", "new", replace=True) == 200  # a new name replaces nothing
    StylesFile(service.settings.styles_file).save(Style("theirs", "made elsewhere"))  # no saver recorded
    assert save("bob", "theirs", "bob's") == 403 and kept("theirs") == "made elsewhere"
    assert save("alice", "theirs", "alice's") == 200
    service.admins = None  # inside the WebUI: the host's editor lets anyone replace any style
    assert service.save_style("x", prompt="carol's", replace=True, session="s", user="carol").replaced
    assert kept("x") == "carol's"


def test_answers_name_the_file_not_its_path(make_settings, tmp_path):
    service, client = _served(make_settings)
    alice = ("alice", USERS["alice"])
    body = {"name": "Dusk", "prompt": "a cabin, dusk"}
    first = client.post("/sdpa/v1/style", json=body, auth=alice)
    assert first.status_code == 200 and first.json()["file"] == "styles.csv"
    again = client.post("/sdpa/v1/style", json=body, auth=alice)
    assert again.status_code == 409 and "exists in styles.csv" in again.json()["error"]
    forbidden = client.post("/sdpa/v1/style", json={**body, "replace": True}, auth=("bob", USERS["bob"]))
    assert forbidden.status_code == 403 and "styles.csv" in forbidden.json()["error"]
    service.settings.styles_file.write_bytes("name,prompt\r\ncafé,x\r\n".encode("latin-1"))
    broken = client.post("/sdpa/v1/style", json={**body, "name": "Other"}, auth=alice)
    assert broken.status_code == 422 and "not UTF-8" in broken.json()["error"]
    (tmp_path / "blocker").write_text("a file where a folder should be", encoding="utf-8")
    service.settings.styles_file = tmp_path / "blocker" / "styles.csv"
    blocked = client.post("/sdpa/v1/style", json={**body, "name": "Other"}, auth=alice)
    assert blocked.status_code == 422 and "styles.csv" in blocked.json()["error"]
    for response in (first, again, forbidden, broken, blocked):
        assert str(tmp_path) not in response.text and "/" not in response.json().get("error", ""), response.text
    with pytest.raises(ConfigError) as raised:
        StylesFile(tmp_path / "blocker" / "styles.csv").save(Style("x", "x"))
    assert str(tmp_path) not in str(raised.value)


def test_a_template_keeps_the_medium_written_before_the_subject(run_cli):  # noqa: F811
    """Issue 26, point 14: the template swallowed a medium written in the subject's phrase (`photo of a red fox in
    snow, 85mm lens` -> `{prompt}, 85mm lens`; `a watercolor painting of a lighthouse` lost "watercolor")."""
    for prompt, template in (("photo of a red fox in snow, 85mm lens", "photo of {prompt}, 85mm lens"),
                             ("a watercolor painting of a lighthouse, soft light",
                              "a watercolor painting of {prompt}, soft light")):
        saved = run_cli("style", f"T {template[:5]}", "--prompt", prompt, "--template", "--json")
        assert saved.returncode == 0, saved.stderr
        assert json.loads(saved.stdout)["prompt"] == template
