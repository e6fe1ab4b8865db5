// SD Prompt Assistant: a Refine button beside Generate (txt2img and img2img), "send to" helpers, the
// input event after the panel writes the prompt boxes, the tab's versions refreshed when it opens, and
// "start from an image" (the workspace; the standalone page loads this file too).
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
            watchGallery(tab);
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

    // "Send to" inside the WebUI: once our handler wrote the infotext, the hidden button the host's paste listens to.
    window.sdpaClick = function (id) {
        const button = el(id);
        if (button) button.click();
        return [];
    };

    // After "Save as style": the WebUI's own refresh buttons beside its Styles dropdowns (txt2img, img2img) read
    // the styles file again, so the new style is in the list at once.
    window.sdpaStylesChanged = function () {
        for (const tab of TABS) {
            const refresh = el(`refresh_${tab}_styles`);
            if (refresh) refresh.click();
        }
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

    // The token line (txt2img, img2img): the text each count was asked for; once it is answered, a count of what
    // the boxes hold now if that is other text (Gradio 3 drops a change while the last count is pending); once
    // per text, so a box the page filled without telling Gradio cannot make it count on and on.
    const counting = {}, recounted = {};
    window.sdpaCounting = function (tab, prompt, negative) {
        counting[tab] = JSON.stringify([prompt, negative]);
        return [prompt, negative];
    };
    window.sdpaCounted = function (tab) {
        const boxes = [`${tab}_prompt`, `${tab}_neg_prompt`].map((id) => el(id, "textarea"));
        if (boxes.includes(null)) return [];
        const now = JSON.stringify(boxes.map((box) => box.value));
        if (now !== counting[tab] && now !== recounted[tab]) {
            recounted[tab] = now;
            setTimeout(() => window.sdpaClick(`sdpa_${tab}_recount`), 0);
        }
        return [];
    };

    // Opening the Prompt Assistant tab lists the versions made meanwhile in the accordions and by ✨ Refine.
    function refreshVersions() {
        const current = typeof get_uiCurrentTabContent === "function" ? get_uiCurrentTabContent() : null;
        const refresh = el("sdpa_tab_versions_refresh");
        if (current && current.id === "tab_sdpa_tab" && refresh) refresh.click();
    }

    // "Start from an image" (the workspace): only the image's metadata travels, never its pixels: the PNG's
    // header and text chunks, the JPEG's segments before the image data that hold EXIF or a comment, the
    // WebP's EXIF chunk. It goes as "name\nbase64" into the hidden box, then the hidden Read button runs.
    const PNG_KEPT = ["IHDR", "tEXt", "zTXt", "iTXt", "eXIf", "IEND"];

    function fourcc(bytes, at) {
        return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
    }

    function joined(parts) {
        const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
        let at = 0;
        for (const part of parts) {
            out.set(part, at);
            at += part.length;
        }
        return out;
    }

    function pngMetadata(bytes, view) {
        const parts = [bytes.slice(0, 8)];
        for (let at = 8; at + 8 <= bytes.length;) {
            const end = at + 12 + view.getUint32(at);
            const kind = fourcc(bytes, at + 4);
            if (end > bytes.length) break;
            if (PNG_KEPT.includes(kind)) parts.push(bytes.slice(at, end));
            if (kind === "IEND") break;
            at = end;
        }
        return joined(parts);
    }

    function jpegMetadata(bytes, view) {
        const parts = [bytes.slice(0, 2)];
        for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xFF;) {
            const marker = bytes[at + 1];
            if (marker === 0xFF) { at += 1; continue; }
            if (marker === 0xD9 || marker === 0xDA) break;
            const end = at + 2 + view.getUint16(at + 2);
            if (end > bytes.length) break;
            if (marker === 0xE1 || marker === 0xFE) parts.push(bytes.slice(at, end));
            at = end;
        }
        parts.push(new Uint8Array([0xFF, 0xD9]));
        return joined(parts);
    }

    function webpMetadata(bytes, view) {
        const chunks = [];
        for (let at = 12; at + 8 <= bytes.length;) {
            const size = view.getUint32(at + 4, true);
            const end = at + 8 + size + (size & 1);
            if (fourcc(bytes, at) === "EXIF") chunks.push(bytes.slice(at, Math.min(end, bytes.length)));
            at = end;
        }
        const body = joined(chunks);
        const head = new Uint8Array(12);
        head.set(bytes.slice(0, 4));
        new DataView(head.buffer).setUint32(4, body.length + 4, true);
        head.set(bytes.slice(8, 12), 8);
        return joined([head, body]);
    }

    window.sdpaImageMetadata = function (bytes) {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (bytes[0] === 0x89 && fourcc(bytes, 1) === "PNG\r") return pngMetadata(bytes, view);
        if (bytes[0] === 0xFF && bytes[1] === 0xD8) return jpegMetadata(bytes, view);
        if (fourcc(bytes, 0) === "RIFF" && fourcc(bytes, 8) === "WEBP") return webpMetadata(bytes, view);
        return bytes.slice(0, 16); // not an image we read: the server says so
    };

    function base64(bytes) {
        let text = "";
        for (let at = 0; at < bytes.length; at += 0x8000) {
            text += String.fromCharCode.apply(null, bytes.subarray(at, at + 0x8000));
        }
        return btoa(text);
    }

    // "Prompt from image": the picture itself goes, made smaller here (long side at most 1024 px, a fresh JPEG
    // drawn on a canvas, so no metadata travels); the server reads it again before any model sees it.
    const LONG_SIDE = 1024;

    function shrunk(source) {
        const width = source.naturalWidth || source.width;
        const height = source.naturalHeight || source.height;
        const scale = Math.min(1, LONG_SIDE / Math.max(width, height));
        const canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(width * scale));
        canvas.height = Math.max(1, Math.round(height * scale));
        const context = canvas.getContext("2d");
        context.fillStyle = "#fff"; // transparent parts as white, as JPEG has no alpha
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(source, 0, 0, canvas.width, canvas.height);
        return canvas.toDataURL("image/jpeg", 0.9);
    }

    // A hidden box the page fills, then the hidden button that runs its handler (no component takes a file).
    function fillAndRun(boxId, buttonId, value) {
        const box = el(boxId, "textarea");
        const button = el(buttonId);
        if (!box || !button) return;
        setValue(box, value);
        setTimeout(() => button.click(), 50);
    }

    function tabOf(id, suffix) {
        return id.replace(/^sdpa_/, "").replace(suffix, "");
    }

    function sendPicture(tab, dataUrl) {
        fillAndRun(`sdpa_${tab}_describe_data`, `sdpa_${tab}_describe_run`, dataUrl);
    }

    function describeFile(tab, file) {
        const picture = new Image();
        const url = URL.createObjectURL(file);
        picture.onload = () => {
            URL.revokeObjectURL(url);
            sendPicture(tab, shrunk(picture));
        };
        picture.onerror = () => { // not a picture the browser can draw: the server names the problem
            URL.revokeObjectURL(url);
            sendPicture(tab, "data:text/plain;base64,");
        };
        picture.src = url;
    }

    // img2img's "Prompt from image": the input image the WebUI shows (A1111's and Forge's image editors).
    window.sdpaDescribeInput = function (tab) {
        const shown = app().querySelector("#img2img_image img, #img2img_image canvas, #img2img_sketch img");
        if (!shown || (shown.tagName === "IMG" && !shown.naturalWidth)) {
            sendPicture(tab, "");
            return [];
        }
        sendPicture(tab, shrunk(shown));
        return [];
    };

    // The look after Generate (txt2img, img2img): the first image of the WebUI's gallery, made smaller as above,
    // goes to the hidden box; the panel's "Look at each result" box runs it by itself when new images appear.
    function galleryImage(tab) {
        const shown = app().querySelector(`#${tab}_gallery img`);
        return shown && shown.complete && shown.naturalWidth ? shown : null;
    }

    window.sdpaLookAtResult = function (tab) {
        const shown = galleryImage(tab);
        fillAndRun(`sdpa_${tab}_look_data`, `sdpa_${tab}_look_run`, shown ? shrunk(shown) : "");
        return [];
    };

    function watchGallery(tab) {
        const gallery = el(`${tab}_gallery`);
        if (!gallery || gallery.sdpaWatched) return;
        gallery.sdpaWatched = true;
        let last = "", timer = null;
        new MutationObserver(() => {
            const shown = app().querySelector(`#${tab}_gallery img`);
            const source = shown ? shown.src : "";
            if (!source || source === last) return;
            last = source;
            clearTimeout(timer);
            timer = setTimeout(() => { // once the images have settled
                const auto = el(`sdpa_${tab}_look_auto`, "input");
                if (auto && auto.checked) window.sdpaLookAtResult(tab);
            }, 1500);
        }).observe(gallery, {childList: true, subtree: true, attributes: true, attributeFilter: ["src"]});
    }

    // A refine the look proposed: its text becomes the instruction, and Refine runs.
    document.addEventListener("click", (event) => {
        const path = event.composedPath ? event.composedPath() : [event.target];
        const proposed = path.find((node) => /^sdpa_\w+_look_refine_\d$/.test(node.id || ""));
        if (!proposed) return;
        const tab = tabOf(proposed.id, /_look_refine_\d$/);
        fillAndRun(`sdpa_${tab}_feedback`, `sdpa_${tab}_refine`, proposed.textContent.trim());
    });

    function readImage(zone, file) {
        if (/_describe_drop$/.test(zone.id)) {
            describeFile(tabOf(zone.id, /_describe_drop$/), file);
            return;
        }
        const tab = tabOf(zone.id, /_image_drop$/);
        file.arrayBuffer().then((buffer) => {
            const name = file.name.replace(/[\r\n]/g, " ");
            fillAndRun(`sdpa_${tab}_image_data`, `sdpa_${tab}_image_read`,
                `${name}\n${base64(window.sdpaImageMetadata(new Uint8Array(buffer)))}`);
        });
    }

    function dropZone(event) {
        const path = event.composedPath ? event.composedPath() : [event.target];
        return path.find((node) => /^sdpa_\w+_(image|describe)_drop$/.test(node.id || "")) || null;
    }

    if (!window.sdpaImageListening) { // once, however often this file runs
        window.sdpaImageListening = true;
        document.addEventListener("click", (event) => {
            const zone = dropZone(event);
            if (!zone) return;
            const input = document.createElement("input");
            input.type = "file";
            input.accept = "image/png,image/jpeg,image/webp";
            input.className = "sdpa-hidden";
            input.addEventListener("change", () => {
                if (input.files[0]) readImage(zone, input.files[0]);
                input.remove();
            });
            document.body.appendChild(input); // a picker's input in the page: every browser sends its change
            input.click();
        });
        document.addEventListener("dragover", (event) => {
            if (dropZone(event)) event.preventDefault();
        });
        document.addEventListener("drop", (event) => {
            const zone = dropZone(event);
            if (!zone) return;
            event.preventDefault();
            const file = event.dataTransfer && event.dataTransfer.files[0];
            if (file) readImage(zone, file);
        });
    }

    if (typeof onUiLoaded === "function") onUiLoaded(inject);
    if (typeof onUiTabChange === "function") onUiTabChange(refreshVersions);
    if (typeof onAfterUiUpdate === "function") onAfterUiUpdate(inject);
})();
