// SD Prompt Assistant: a Refine button beside Generate (txt2img and img2img), "send to" helpers, the
// input event after the panel writes the prompt boxes, and the tab's versions refreshed when it opens.
// Re-injected whenever the WebUI rebuilds its UI, so it survives reloads.
(function () {
    const TABS = ["txt2img", "img2img"];

    function app() {
        return typeof gradioApp === "function" ? gradioApp() : document;
    }

    function el(id, inner) {
        return app().querySelector(`#${id}${inner ? " " + inner : ""}`);
    }

    function setValue(textarea, value) {
        textarea.value = value;
        if (typeof updateInput === "function") {
            updateInput(textarea);
        } else {
            textarea.dispatchEvent(new Event("input", {bubbles: true}));
        }
    }

    function runRefine(tab) {
        const feedback = el(`sdpa_${tab}_feedback`, "textarea");
        const button = el(`sdpa_${tab}_refine`);
        if (!feedback || !button) return;
        if (feedback.value.trim()) {
            button.click();
            return;
        }
        ask(tab, feedback, button);
    }

    function ask(tab, feedback, button) {
        const top = el(`sdpa_${tab}_refine_top`);
        let box = el(`sdpa_${tab}_ask`);
        if (box) {
            box.querySelector("input").focus();
            return;
        }
        box = document.createElement("div");
        box.id = `sdpa_${tab}_ask`;
        box.className = "sdpa-ask";
        const input = document.createElement("input");
        input.type = "text";
        input.placeholder = "How should the prompt change? (Enter)";
        const ok = document.createElement("button");
        ok.textContent = "OK";
        ok.className = "lg secondary gradio-button";
        const done = () => {
            const text = input.value.trim();
            box.remove();
            if (text) {
                setValue(feedback, text);
                setTimeout(() => button.click(), 50);
            }
        };
        input.addEventListener("keydown", (event) => {
            if (event.key === "Enter") done();
            if (event.key === "Escape") box.remove();
        });
        ok.addEventListener("click", done);
        box.append(input, ok);
        top.after(box);
        input.focus();
    }

    function inject() {
        for (const tab of TABS) {
            const generateBox = el(`${tab}_generate_box`);
            if (!generateBox || el(`sdpa_${tab}_refine_top`) || !el(`sdpa_${tab}_refine`)) continue;
            const button = document.createElement("button");
            button.id = `sdpa_${tab}_refine_top`;
            button.className = "lg secondary gradio-button sdpa-refine-top";
            button.textContent = "✨ Refine";
            button.title = "SD Prompt Assistant: change the prompt by the feedback text (or type an instruction)";
            button.addEventListener("click", (event) => {
                event.preventDefault();
                runRefine(tab);
            });
            generateBox.appendChild(button);
        }
    }

    window.sdpaSendTo = function (tab, prompt, negative) {
        const promptBox = el(`${tab}_prompt`, "textarea");
        const negativeBox = el(`${tab}_neg_prompt`, "textarea");
        if (promptBox) setValue(promptBox, prompt || "");
        if (negativeBox) setValue(negativeBox, negative || "");
        const switcher = window[`switch_to_${tab}`];
        if (typeof switcher === "function") switcher();
        return [];
    };

    // After the panel wrote the host's prompt boxes from Python: the input event the host listens to, so its
    // token counters (and anything else watching the boxes) see the new text.
    window.sdpaPromptsChanged = function (tab) {
        for (const id of [`${tab}_prompt`, `${tab}_neg_prompt`]) {
            const box = el(id, "textarea");
            if (!box) continue;
            if (typeof updateInput === "function") {
                updateInput(box);
            } else {
                box.dispatchEvent(new Event("input", {bubbles: true}));
            }
        }
        return [];
    };

    // Opening the Prompt Assistant tab lists the versions made meanwhile in the accordions and by ✨ Refine.
    function refreshVersions() {
        const current = typeof get_uiCurrentTabContent === "function" ? get_uiCurrentTabContent() : null;
        const refresh = el("sdpa_tab_versions_refresh");
        if (current && current.id === "tab_sdpa_tab" && refresh) refresh.click();
    }

    if (typeof onUiLoaded === "function") onUiLoaded(inject);
    if (typeof onUiTabChange === "function") onUiTabChange(refreshVersions);
    if (typeof onAfterUiUpdate === "function") onAfterUiUpdate(inject);
})();
