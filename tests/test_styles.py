"""Save as a WebUI style: a styles.csv with odd quoting, commas and newlines keeps every byte it had; the
WebUI's reader (csv.DictReader, skipinitialspace, utf-8-sig, as modules/styles.py reads it) sees every style
it saw plus the new one; a name that exists is refused unless replacing; inside the WebUI the host's store
names the file and is reloaded; the CLI and the API in front of it."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sdpa_ext.api import make_router
from sdpa_ext.errors import ConfigError
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
    assert data.startswith(ODD) and saved.replaced is False and saved.file == str(path)
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
    assert store.save(Style("Mine", "new"), replace=True).file == str(other)  # replaced where it lives
    assert webui_reads(other.read_bytes()) == {"Mine": ("new", "")}
    assert store.save(Style("Fresh", "f")).file == str(default) and len(reloads) == 2


def test_the_service_saves_the_current_version_or_given_fields(make_settings):
    service = Service(make_settings())
    with pytest.raises(ConfigError, match="make a prompt first"):
        service.save_style("S", session="s")
    service.line("s").push(PromptVersion(prompt="a cabin in snow, dusk, film grain", negative_prompt="blurry"))
    saved = service.save_style("Snow", template=True, session="s")
    assert (saved.style.prompt, saved.style.negative_prompt) == ("{prompt}, dusk, film grain", "blurry")
    assert saved.file == str(service.settings.styles_file) and service.settings.styles_file.name == "styles.csv"
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
                            "file": str(service.settings.styles_file), "replaced": False}
    again = http.post("/sdpa/v1/style", json=body)
    assert again.status_code == 409 and again.json()["detail"][0]["loc"] == ["body", "name"]
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
    assert again.returncode == 2 and "exists" in again.stderr and "--replace" in again.stderr
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
