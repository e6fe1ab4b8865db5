"""The standalone app in a real headless browser (Debian's chromium, driven by Playwright), with the
embedded model answering: describe, generate, refine, undo, the token count, the hardware panel, and a
provider error that leaves the prompt alone."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from .support import free_port, progress_watcher, serve, stop

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 90_000
# What the status line says while a call runs, and any time estimate Gradio shows over the call's outputs.
WATCH_PROGRESS = progress_watcher("#sdpa_tab_status", [f"#sdpa_tab_{n}" for n in (
    "prompt", "negative", "preview", "diff", "tokens", "status")])








@pytest.fixture(scope="module")
def app(tmp_path_factory):
    process, url = serve(tmp_path_factory.mktemp("app"), "")
    yield url
    stop(process)


def _open(page, url: str) -> None:
    """Gradio keeps a connection open, so "network idle" never comes: wait for our components."""
    page.goto(url, wait_until="load")
    page.wait_for_selector("#sdpa_tab_description textarea", timeout=TIMEOUT_MS)


@contextmanager
def _with_model(browser, tmp_path: Path, answer: str):
    """The standalone app with a scripted model over the OpenAI wire answering `answer`, and a page open on it:
    yields (the wire, the page)."""
    from .wire import OpenAIServer

    with OpenAIServer(answer=answer) as wire:
        process, url = serve(tmp_path, f"LLM_PROVIDER=openai\nOPENAI_BASE_URL={wire.url}/v1\n"
                                       "OPENAI_MODEL=gpt-4.1-mini\n")
        try:
            page = browser.new_page()
            _open(page, url)
            yield wire, page
            page.close()
        finally:
            stop(process)


def _open_accordion(page, label: str, probe: str) -> None:
    """Click an accordion's label until what it holds shows (a click before the page has settled can
    be lost)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(5):
        page.get_by_text(label, exact=True).first.click()
        try:
            page.locator(probe).first.wait_for(state="visible", timeout=3000)
            return
        except PlaywrightTimeout:  # lost click: try again
            continue
    raise AssertionError(f"the {label!r} accordion did not open")


def _value(page, elem_id: str) -> str:
    return page.locator(f"#{elem_id} textarea").first.input_value()


def _wait_value(page, elem_id: str, condition, what: str) -> str:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        value = _value(page, elem_id)
        if condition(value):
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"{what}: #{elem_id} is {_value(page, elem_id)!r}; status: "
                         f"{page.locator('#sdpa_tab_status').inner_text()}")


@pytest.mark.slow
@pytest.mark.local
def test_describe_generate_refine_undo_tokens_hardware(browser, app):
    """Slow by design: what a user does first, in a browser on a served app, the embedded model loading on the first
    call and writing the plan and the refine."""
    page = browser.new_page()
    _open(page, app)
    top = {name: page.locator(f"#sdpa_tab_{name}").first.bounding_box()["y"] for name in ("description", "prompt")}
    assert top["description"] < top["prompt"], top  # the description box first, the outputs below it
    page.wait_for_function("() => document.querySelector('#sdpa_tab_roles').innerText.includes('Planning')",
                           timeout=TIMEOUT_MS)  # a page-load event writes it: on a busy machine, after the boxes show
    assert "Planning: local" in page.locator("#sdpa_tab_roles").inner_text()  # each role's provider and model
    page.locator("#sdpa_tab_description textarea").fill("a cozy cabin in a snowy forest at dusk")
    page.evaluate(WATCH_PROGRESS)
    page.locator("#sdpa_tab_plan").click()
    first = _wait_value(page, "sdpa_tab_prompt", lambda v: v.strip() != "", "the prompt never appeared")
    seen = page.evaluate("() => window.sdpaSeen")
    # our own phases in the status line (the first call also starts the embedded model), no time estimate
    assert {"loading the model…", "checking the answer…"} <= set(seen["phases"]), seen["phases"]
    assert seen["estimates"] == [], seen["estimates"]
    assert "masterpiece" in first  # the SDXL family's quality tags
    assert _value(page, "sdpa_tab_negative").strip()
    page.wait_for_function("() => document.querySelector('#sdpa_tab_tokens').innerText.includes('Prompt')")
    assert "/75" in page.locator("#sdpa_tab_tokens").inner_text()
    assert "SmolLM2" in page.locator("#sdpa_tab_status").inner_text()

    page.locator("#sdpa_tab_feedback textarea").fill("add a red hat")
    page.locator("#sdpa_tab_refine").click()
    second = _wait_value(page, "sdpa_tab_prompt", lambda v: v != first, "Refine did not change the prompt")
    assert "red hat" in second
    page.wait_for_function("() => document.querySelector('#sdpa_tab_diff').innerText.includes('red hat')")

    page.locator("#sdpa_tab_undo").click()
    _wait_value(page, "sdpa_tab_prompt", lambda v: v == first, "Undo did not restore the first prompt")
    page.locator("#sdpa_tab_redo").click()
    _wait_value(page, "sdpa_tab_prompt", lambda v: v == second, "Redo did not bring the refinement back")

    page.wait_for_function("() => document.querySelector('#sdpa_tab_hardware').innerText.toLowerCase()"
                           ".includes('no cuda gpu')")
    versions = page.locator("#sdpa_tab_versions").inner_text()
    assert "plan" in versions and "refine" in versions
    page.close()


def test_hand_edits_are_refined_and_kept_in_history(browser, app):
    page = browser.new_page()
    _open(page, app)
    page.locator("#sdpa_tab_prompt textarea").fill("old lighthouse, stormy sea, (dramatic light:1.2), BREAK, rain")
    page.locator("#sdpa_tab_feedback textarea").fill("add a seagull")
    page.locator("#sdpa_tab_refine").click()
    refined = _wait_value(page, "sdpa_tab_prompt", lambda v: "seagull" in v, "Refine ignored the hand edit")
    assert "(dramatic light:1.2)" in refined and "BREAK" in refined
    page.locator("#sdpa_tab_undo").click()
    _wait_value(page, "sdpa_tab_prompt", lambda v: v.startswith("old lighthouse") and "seagull" not in v,
                "Undo did not come back to the hand-written prompt")
    page.close()


@pytest.mark.slow
def test_a_typed_instruction_calls_the_configured_model_and_a_chip_does_not(browser, tmp_path):
    """Slow by design: an app of its own, configured for a model over the OpenAI wire, and a page on it."""
    import json

    answer = json.dumps({"prompt": "cabin, snow, night, moonlight", "negative_prompt": "blurry", "params": {},
                         "notes": "night"})
    with _with_model(browser, tmp_path, answer) as (wire, page):
        page.locator("#sdpa_tab_prompt textarea").fill("cabin, snow, dusk")
        page.locator("#sdpa_tab_feedback textarea").fill("make it darker")
        page.locator("#sdpa_tab_refine").click()
        _wait_value(page, "sdpa_tab_prompt", lambda v: v == "cabin, snow, night, moonlight",
                    "the model's answer never reached the prompt")
        assert "gpt-4.1-mini" in page.locator("#sdpa_tab_status").inner_text()
        calls = [r for r in wire.requests if r.path.endswith("/chat/completions")]
        assert len(calls) == 1 and "make it darker" in calls[0].json["messages"][-1]["content"]
        page.locator("#sdpa_tab_chip_darker").click()
        _wait_value(page, "sdpa_tab_prompt", lambda v: "low key lighting" in v, "the chip did not apply")
        assert "chip" in page.locator("#sdpa_tab_status").inner_text()
        assert len([r for r in wire.requests if r.path.endswith("/chat/completions")]) == 1


@pytest.mark.slow
def test_a_provider_error_shows_a_message_and_leaves_the_prompt(browser, tmp_path):
    """Slow by design: an app of its own, configured for an Ollama that is not there, and a page on it."""
    process, url = serve(tmp_path, f"LLM_PROVIDER=ollama\nOLLAMA_HOST=127.0.0.1:{free_port()}\n")
    try:
        page = browser.new_page()
        _open(page, url)
        mine = "my own prompt, (keep:1.1), <lora:mine:0.5>"
        page.locator("#sdpa_tab_prompt textarea").fill(mine)
        page.locator("#sdpa_tab_feedback textarea").fill("give the scene a moodier feeling")  # needs the model
        page.locator("#sdpa_tab_refine").click()
        page.wait_for_function("() => document.querySelector('#sdpa_tab_status').innerText.includes('ollama')",
                               timeout=TIMEOUT_MS)
        status = page.locator("#sdpa_tab_status").inner_text()
        assert "cannot connect" in status and "unchanged" in status
        assert _value(page, "sdpa_tab_prompt") == mine
        page.close()
    finally:
        stop(process)


@pytest.mark.slow
def test_a_saved_key_is_never_served_again(browser, tmp_path):
    """Slow by design: an app of its own (its data folder holds the key file), a page on it, saved and reloaded."""
    from .conftest import OPENAI_KEY, assert_no_keys

    process, url = serve(tmp_path, "")
    try:
        page = browser.new_page()
        _open(page, url)
        _open_accordion(page, "API keys", "#sdpa_key_openai_api_key input")  # it starts closed
        page.locator("#sdpa_key_openai_api_key input").fill(OPENAI_KEY)
        page.locator("#sdpa_tab_save_keys").click()
        page.wait_for_function("() => document.querySelector('#sdpa_tab_keys_status').innerText.includes('...efgh')",
                               timeout=TIMEOUT_MS)
        assert page.locator("#sdpa_key_openai_api_key input").input_value() == ""
        key_file = tmp_path / "data" / "keys.json"
        assert key_file.stat().st_mode & 0o777 == 0o600
        page.reload(wait_until="load")
        page.wait_for_selector("#sdpa_tab_description textarea", timeout=TIMEOUT_MS)
        served = [page.content(), requests.get(url + "/config", timeout=10).text,
                  requests.get(url + "/sdpa/v1/config", timeout=10).text, requests.get(url + "/", timeout=10).text]
        assert_no_keys(*served)
        _open_accordion(page, "API keys", "#sdpa_key_openai_api_key input")
        placeholder = page.locator("#sdpa_key_openai_api_key input").get_attribute("placeholder")
        assert placeholder == "set (...efgh)"
        page.close()
    finally:
        stop(process)


def _choose_image(page, path: Path) -> None:
    """Click the "start from an image" zone and choose a file (javascript/sdpa.js opens the picker)."""
    with page.expect_file_chooser() as chooser:
        page.locator("#sdpa_tab_image_drop").click()
    chooser.value.set_files(str(path))


def test_an_old_image_becomes_the_prompt_and_refines_go_on_from_it(browser, app, tmp_path):
    import base64
    import json

    golden = json.loads((ROOT / "tests" / "data" / "a1111_infotext.json").read_text(encoding="utf-8"))
    image = tmp_path / "old cabin.png"
    png = base64.b64decode(next(i["data"] for i in golden["images"] if i["name"] == "png-latin1"))
    image.write_bytes(png[:-12] + b"\x00" * 200_000 + png[-12:])  # pixels that never travel: see the request
    sent = []
    page = browser.new_page()
    page.on("request", lambda request: sent.append(len(request.post_data_buffer or b"")))
    _open(page, app)
    _choose_image(page, image)
    prompt = _wait_value(page, "sdpa_tab_prompt", lambda v: "OPEN 24/7" in v, "the image's prompt never appeared")
    assert prompt == golden["cases"][2]["parsed"]["Prompt"]
    assert _value(page, "sdpa_tab_negative") == golden["cases"][2]["parsed"]["Negative prompt"]
    status = page.locator("#sdpa_tab_status").inner_text()
    assert "read from the image" in status and "Seed: 7" in status
    assert max(sent) < 20_000  # only the metadata was sent
    page.locator("#sdpa_tab_chip_darker").click()
    _wait_value(page, "sdpa_tab_prompt", lambda v: "low key lighting" in v and "OPEN 24/7" in v,
                "a chip did not refine the image's prompt")
    page.wait_for_function("() => document.querySelector('#sdpa_tab_versions').innerText.includes('old cabin.png')")

    plain = tmp_path / "plain.png"
    from PIL import Image

    Image.new("RGB", (8, 8)).save(plain)
    before = _value(page, "sdpa_tab_prompt")
    _choose_image(page, plain)
    page.wait_for_function("() => document.querySelector('#sdpa_tab_status')"
                           ".innerText.includes('no generation parameters')",
                           timeout=TIMEOUT_MS)
    assert _value(page, "sdpa_tab_prompt") == before
    page.close()


def _describe(page, path: Path) -> None:
    """Click the "Prompt from image" zone and choose a picture."""
    with page.expect_file_chooser() as chooser:
        page.locator("#sdpa_tab_describe_drop").click()
    chooser.value.set_files(str(path))


@pytest.mark.slow
def test_a_prompt_from_a_picture_sends_it_smaller_and_without_metadata(browser, app, tmp_path):
    """Slow by design: two pages, one on an app of its own (a model that sees, over the OpenAI wire), one on the
    shared app (the embedded model reads text only)."""
    import base64
    import io
    import json

    from PIL import Image, ImageDraw, PngImagePlugin

    picture = Image.new("RGB", (1600, 1200), (40, 90, 160))
    ImageDraw.Draw(picture).ellipse((500, 400, 800, 700), fill=(255, 220, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", "a private prompt, <lora:private:1>")
    path = tmp_path / "sun.png"
    picture.save(path, pnginfo=info)
    answer = json.dumps({"prompt": "yellow sun, blue sky, flat illustration", "negative_prompt": "blurry",
                         "params": {}, "notes": "a sun in a blue sky"})
    with _with_model(browser, tmp_path, answer) as (wire, page):
        _describe(page, path)
        _wait_value(page, "sdpa_tab_prompt", lambda v: v == "yellow sun, blue sky, flat illustration",
                    "the picture's prompt never appeared")
        status = page.locator("#sdpa_tab_status").inner_text()
        body = next(r.json for r in wire.requests if r.path.endswith("/chat/completions"))
    sent = [b["image_url"]["url"] for m in body["messages"] if isinstance(m["content"], list)
            for b in m["content"] if b.get("type") == "image_url"]
    assert len(sent) == 1 and sent[0].startswith("data:image/jpeg;base64,")
    seen = Image.open(io.BytesIO(base64.b64decode(sent[0].split(",", 1)[1])))
    assert seen.size == (1024, 768) and not seen.info.get("parameters")
    assert "private" not in json.dumps(body)
    assert "image sent as 1024x768" in status and "gpt-4.1-mini" in status

    page = browser.new_page()  # the embedded model reads text only: said plainly, the prompt left alone
    _open(page, app)
    page.locator("#sdpa_tab_prompt textarea").fill("cabin, snow")
    _describe(page, path)
    page.wait_for_function("() => document.querySelector('#sdpa_tab_status').innerText.includes('text only')",
                           timeout=TIMEOUT_MS)
    assert _value(page, "sdpa_tab_prompt") == "cabin, snow"
    page.close()


@pytest.mark.slow
def test_save_as_style_asks_before_replacing(browser, tmp_path):
    """Slow by design: an app of its own (its data folder holds the styles file) and a page on it."""
    import csv
    import io

    process, url = serve(tmp_path, "")
    styles = tmp_path / "data" / "styles.csv"
    try:
        page = browser.new_page()
        _open(page, url)
        page.locator("#sdpa_tab_prompt textarea").fill("masterpiece, a red fox in fresh snow, golden hour, film grain")
        page.locator("#sdpa_tab_negative textarea").fill("blurry")
        _open_accordion(page, "Save as style", "#sdpa_tab_style_name textarea")
        page.locator("#sdpa_tab_style_name textarea").fill("Fox, golden")
        page.get_by_label("a template around the subject").check()
        page.locator("#sdpa_tab_style_save").click()
        page.wait_for_function("() => document.querySelector('#sdpa_tab_style_status')"
                               ".innerText.includes('saved style')",
                               timeout=TIMEOUT_MS)
        page.locator("#sdpa_tab_prompt textarea").fill("a quiet harbour at night")
        page.get_by_label("the whole prompt").check()
        page.locator("#sdpa_tab_style_save").click()
        page.wait_for_function("() => document.querySelector('#sdpa_tab_style_status').innerText.includes('exists')",
                               timeout=TIMEOUT_MS)
        said = page.locator("#sdpa_tab_style_status").inner_text()  # issue 26, point 5: the page's own way
        assert "click Replace it" in said and "--replace" not in said and '"replace"' not in said, said
        rows = list(csv.DictReader(io.StringIO(styles.read_text(encoding="utf-8-sig"))))
        assert [(r["name"], r["prompt"], r["negative_prompt"]) for r in rows] == [
            ("Fox, golden", "masterpiece, {prompt}, golden hour, film grain", "blurry")]  # not replaced yet
        page.locator("#sdpa_tab_style_replace").click()
        page.wait_for_function("() => document.querySelector('#sdpa_tab_style_status').innerText.includes('replaced')",
                               timeout=TIMEOUT_MS)
        rows = list(csv.DictReader(io.StringIO(styles.read_text(encoding="utf-8-sig"))))
        assert [(r["name"], r["prompt"]) for r in rows] == [("Fox, golden", "a quiet harbour at night")]
        assert not page.locator("#sdpa_tab_style_replace").is_visible()
        page.close()
    finally:
        stop(process)


@pytest.mark.slow
@pytest.mark.local
def test_takes_side_by_side_and_picking_one(browser, app):
    """Slow by design: three takes of the embedded model, a call each, shown in the browser and picked from."""
    page = browser.new_page()
    _open(page, app)
    takes_control = page.locator("#sdpa_tab_n input")  # the Takes control beside Generate
    takes_control.click()
    takes_control.fill("3")
    takes_control.press("Enter")
    page.wait_for_function("() => document.querySelector('#sdpa_tab_takes_estimate').innerText.includes('3 takes')",
                           timeout=TIMEOUT_MS)
    page.locator("#sdpa_tab_description textarea").fill("an old lighthouse on a rocky coast at night")
    page.locator("#sdpa_tab_plan").click()
    page.wait_for_function("() => document.querySelectorAll('#sdpa_tab_takes .sdpa-take').length === 3",
                           timeout=TIMEOUT_MS)
    takes = page.locator("#sdpa_tab_takes .sdpa-take-prompt").all_inner_texts()
    assert len(set(takes)) == 3 and all("lighthouse" in t for t in takes)
    assert page.locator("#sdpa_tab_takes mark").count() >= 4  # what takes 2 and 3 have that take 1 has not
    assert "3 takes: 3 call(s)" in page.locator("#sdpa_tab_takes").inner_text()
    assert _value(page, "sdpa_tab_prompt") == takes[0]
    # issue 26, point 4: the estimate comes from the answer just made; Live answer shows the current take
    page.wait_for_function("() => !document.querySelector('#sdpa_tab_takes_estimate').innerText.includes("
                           "'no answer yet') && document.querySelector('#sdpa_tab_takes_estimate').innerText"
                           ".includes('from this session')", timeout=TIMEOUT_MS)
    assert _value(page, "sdpa_tab_preview") == takes[0]
    page.locator("#sdpa_tab_take_2").click()
    _wait_value(page, "sdpa_tab_prompt", lambda v: v == takes[1], "Use take 2 did not write take 2")
    _wait_value(page, "sdpa_tab_preview", lambda v: v == takes[1], "Live answer did not show take 2")
    page.wait_for_function("() => document.querySelectorAll('#sdpa_tab_takes .sdpa-take')[1]"
                           ".innerText.includes('current')",
                           timeout=TIMEOUT_MS)
    # Every take is in the history (the tab lists the user's versions): the others stay restorable.
    page.wait_for_function(f"() => document.querySelector('#sdpa_tab_versions').innerText.includes({takes[2]!r})",
                           timeout=TIMEOUT_MS)
    versions = page.locator("#sdpa_tab_versions").inner_text()
    assert all(take in versions for take in takes)
    if os.environ.get("SDPA_SCREENSHOTS"):  # docs/screenshots.py remakes the README's picture of the workspace
        _screenshot(page, "standalone.png")
    page.close()


def _screenshot(page, name: str) -> None:
    """The page from its top to the end of the prompt boxes and settings (the Versions table below grows with every
    test that ran before), at a desktop's width."""
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.evaluate("() => window.scrollTo(0, 0)")  # a bounding box is measured from the viewport's top
    page.wait_for_timeout(500)  # the layout settles at the new width
    bottom = page.locator("#sdpa_tab_params").first.bounding_box()
    height = int(bottom["y"] + bottom["height"] + 16)
    page.screenshot(path=str(Path(os.environ["SDPA_SCREENSHOTS"]) / name), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1280, "height": height})


def test_the_token_line_counts_what_is_typed_in_the_boxes(browser, app):
    """Issue 26, point 6: the token line counted the last version, not the box: typed into afterwards it stayed
    (39 beside the WebUI's 26 in Forge). It counts what the boxes hold, as the WebUI's counter does."""
    from sdpa_ext.craft.tokens import count_tokens

    page = browser.new_page()
    _open(page, app)
    typed = "masterpiece, a red fox in fresh snow, golden hour, (film grain:1.2), <lora:detail:0.5>"
    page.locator("#sdpa_tab_prompt textarea").fill(typed)
    page.locator("#sdpa_tab_negative textarea").fill("blurry, lowres")
    want = (f"Prompt {count_tokens(typed).count}/", f"Negative {count_tokens('blurry, lowres', positive=False).count}/")
    page.wait_for_function(f"() => {{ const t = document.querySelector('#sdpa_tab_tokens').innerText; "
                           f"return t.includes({want[0]!r}) && t.includes({want[1]!r}); }}", timeout=TIMEOUT_MS)
    page.close()
