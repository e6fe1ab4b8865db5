"""javascript/sdpa.js in headless Chromium, on a page laid out as the WebUI's (the real hosts: tests/host/)."""

from __future__ import annotations

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
