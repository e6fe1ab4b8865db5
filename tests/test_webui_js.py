"""javascript/sdpa.js in headless Chromium, on a page laid out as the WebUI's (the real hosts: tests/host/)."""

from __future__ import annotations

from contextlib import contextmanager

from .support import ROOT


def test_after_writing_the_prompt_boxes_the_host_hears_the_input_event(browser):
    """javascript/sdpa.js's sdpaPromptsChanged calls the host's updateInput on both boxes (A1111's token
    counters listen for that event), on a page laid out as the WebUI's txt2img."""
    page = browser.new_page()
    try:
        page.set_content("<div id=txt2img_prompt><textarea></textarea></div>"
                         "<div id=txt2img_neg_prompt><textarea></textarea></div>"
                         "<div id=img2img_prompt><textarea></textarea></div>")
        page.evaluate("""() => { window.heard = []; window.gradioApp = () => document;
            window.updateInput = (el) => { heard.push(el.parentElement.id); el.dispatchEvent(new Event("input")); };
            document.querySelector("#txt2img_prompt textarea").addEventListener("input", () => heard.push("input"));
        }""")
        page.add_script_tag(content=(ROOT / "javascript" / "sdpa.js").read_text(encoding="utf-8"))
        page.evaluate("() => sdpaPromptsChanged('txt2img')")
        assert page.evaluate("() => heard") == ["txt2img_prompt", "input", "txt2img_neg_prompt"]
    finally:
        page.close()


def test_opening_the_tab_refreshes_its_versions(browser):
    """The WebUI's onUiTabChange: the Prompt Assistant tab clicks its Refresh, so the accordion's versions show."""
    page = browser.new_page()
    try:
        page.set_content("<div id=tabs><div class=tabitem id=tab_txt2img></div>"
                         "<div class=tabitem id=tab_sdpa_tab style='display: none'></div></div>"
                         "<button id=sdpa_tab_versions_refresh onclick='window.refreshed += 1'></button>")
        page.evaluate("""() => { window.refreshed = 0; window.changes = []; window.gradioApp = () => document;
            window.onUiTabChange = (callback) => changes.push(callback);
            window.get_uiCurrentTabContent = () => document.querySelector(
                '#tabs > .tabitem[id^=tab_]:not([style*="display: none"])'); }""")
        page.add_script_tag(content=(ROOT / "javascript" / "sdpa.js").read_text(encoding="utf-8"))
        page.evaluate("() => changes.forEach((callback) => callback())")  # txt2img shown: nothing to do
        assert page.evaluate("() => refreshed") == 0
        page.evaluate("""() => { document.querySelector('#tab_txt2img').style.display = 'none';
            document.querySelector('#tab_sdpa_tab').style.display = 'block'; changes.forEach((c) => c()); }""")
        assert page.evaluate("() => refreshed") == 1
    finally:
        page.close()


@contextmanager
def _with_script(browser, html: str, setup: str = "() => { window.gradioApp = () => document; }"):
    """A page of `html`, `setup` run, then javascript/sdpa.js added."""
    page = browser.new_page()
    try:
        page.set_content(html)
        page.evaluate(setup)
        page.add_script_tag(content=(ROOT / "javascript" / "sdpa.js").read_text(encoding="utf-8"))
        yield page
    finally:
        page.close()


def test_only_an_images_metadata_leaves_the_browser_and_it_still_reads(browser):
    """javascript/sdpa.js's sdpaImageMetadata keeps a PNG's text chunks, a JPEG's EXIF and comment segments and a
    WebP's EXIF chunk, nothing of the pixels; what it keeps reads as the whole image does."""
    import base64
    import json

    from sdpa_ext.images.metadata import parameters

    golden = json.loads((ROOT / "tests" / "data" / "a1111_infotext.json").read_text(encoding="utf-8"))
    with _with_script(browser, "<p>page</p>") as page:
        for image in golden["images"]:
            padded = base64.b64decode(image["data"])
            kept = base64.b64decode(page.evaluate("""(data) => {
                const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                return btoa(String.fromCharCode(...window.sdpaImageMetadata(bytes)));
            }""", image["data"]))
            assert parameters(kept) == image["read"], image["name"]
            assert len(kept) < len(padded), image["name"]
            assert not any(marker in kept for marker in (b"IDAT", b"\xff\xda", b"VP8 ", b"VP8L")), image["name"]
        foreign = page.evaluate("() => Array.from(window.sdpaImageMetadata(new Uint8Array(40).fill(7)))")
        assert foreign == [7] * 16  # not an image we read: a few bytes, and the server says so


def test_after_saving_a_style_the_webuis_styles_dropdowns_refresh(browser):
    """sdpaStylesChanged clicks the WebUI's own refresh buttons beside txt2img's and img2img's Styles."""
    buttons = ("<button id=refresh_txt2img_styles onclick=\"clicked.push('txt2img')\"></button>"
               "<button id=refresh_img2img_styles onclick=\"clicked.push('img2img')\"></button>")
    with _with_script(browser, buttons, "() => { window.clicked = []; window.gradioApp = () => document; }") as page:
        assert page.evaluate("() => sdpaStylesChanged()") == []
        assert page.evaluate("() => clicked") == ["txt2img", "img2img"]


LOOK_PAGE = """
<div id=txt2img_gallery></div>
<div id=sdpa_txt2img_look_auto><input type=checkbox></div>
<div id=sdpa_txt2img_look_data><textarea></textarea></div>
<button id=sdpa_txt2img_look_run onclick="looked.push(document.querySelector('#sdpa_txt2img_look_data textarea')
    .value)"></button>
<div id=sdpa_txt2img_feedback><textarea></textarea></div>
<button id=sdpa_txt2img_refine onclick="refined.push(document.querySelector('#sdpa_txt2img_feedback textarea')
    .value)"></button>
<button id=sdpa_txt2img_look_refine_2>make it snowy</button>
"""


def _picture(width: int, height: int) -> str:
    """A drawn PNG as a data URL (the gallery's image)."""
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_the_look_takes_the_galleries_image_smaller_and_a_proposed_refine_runs(browser):
    """sdpaLookAtResult sends the gallery's first image as a JPEG of at most 1024 px; with "Look at each result"
    checked a new image is looked at by itself; a proposed refine's button becomes the instruction and runs."""
    setup = ("() => { window.looked = []; window.refined = []; window.gradioApp = () => document;"
             " window.onUiLoaded = (f) => { window.loaded = f; }; }")
    with _with_script(browser, LOOK_PAGE, setup) as page:
        page.evaluate("() => window.loaded()")  # the WebUI's onUiLoaded: the gallery is watched from now on
        page.evaluate("() => sdpaLookAtResult('txt2img')")  # nothing generated yet
        page.wait_for_function("() => looked.length === 1")
        assert page.evaluate("() => looked[0]") == ""
        page.evaluate("""(src) => { const img = document.createElement('img'); img.src = src;
            document.querySelector('#txt2img_gallery').appendChild(img); }""", _picture(2048, 1536))
        page.wait_for_timeout(2500)
        assert page.evaluate("() => looked.length") == 1  # "Look at each result" is off: no call
        page.evaluate("() => sdpaLookAtResult('txt2img')")
        page.wait_for_function("() => looked.length === 2")
        sent = page.evaluate("""() => new Promise((done) => { const img = new Image();
            img.onload = () => done([looked[1].slice(0, 23), img.naturalWidth, img.naturalHeight]);
            img.src = looked[1]; })""")
        assert sent == ["data:image/jpeg;base64,", 1024, 768]
        page.check("#sdpa_txt2img_look_auto input")
        page.evaluate("(src) => { document.querySelector('#txt2img_gallery img').src = src; }", _picture(512, 512))
        page.wait_for_function("() => looked.length === 3", timeout=5000)  # on: the new image is looked at
        page.click("#sdpa_txt2img_look_refine_2")
        page.wait_for_function("() => refined.length === 1")
        assert page.evaluate("() => refined[0]") == "make it snowy"
