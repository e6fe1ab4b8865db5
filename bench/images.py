"""Image harness: 20 pictures drawn here with known content (Pillow), each sent through "Prompt from image" and
the look after Generate to a scripted vision model over the OpenAI wire, once answering well and once badly.

    python bench/images.py [--json OUT]

Prompt from image, per answer: what was sent (a JPEG, long side at most 1024 px, no metadata, none of the
picture's own infotext in the request), the subject kept (every known content word in the prompt), none of it
in the negative prompt, no negation left in the prompt ("no people" goes to the negative), the family's form
(Pony's score tags), balanced attention syntax, and an answer with no prompt refused with nothing recorded.
The look: at most three refines and only text items (markup stays text: the page escapes it).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw, PngImagePlugin

from sdpa_ext.craft.syntax import problems
from sdpa_ext.errors import SdpaError
from sdpa_ext.images.pictures import load
from sdpa_ext.service import Service
from sdpa_ext.settings.config import load_settings

SECRET = "private infotext, <lora:secret_style:0.9>"
NEGATIONS = re.compile(r"\b(no|without|not any)\s+(?!humans\b)\w+", re.IGNORECASE)  # `no humans`: a booru tag


@dataclass
class Picture:
    name: str
    family: str
    size: tuple[int, int]
    background: tuple[int, int, int]
    shapes: list[tuple[str, tuple[int, int, int, int], tuple[int, int, int]]]  # (kind, box, colour)
    subject: list[str]  # what any faithful prompt names
    good: str  # the prompt a good model writes for it


def pictures() -> list[Picture]:
    """20 scenes: shapes and simple scenes in known colours, in every family and several sizes."""
    sky, night, grass, white = (70, 130, 210), (10, 10, 40), (60, 160, 60), (245, 245, 245)
    return [
        Picture("sun", "sdxl", (1600, 1200), sky, [("ellipse", (600, 400, 900, 700), (255, 220, 0))],
                ["sun", "sky"], "yellow sun in a clear blue sky, flat illustration, simple shapes"),
        Picture("moon", "flux", (1024, 1024), night, [("ellipse", (400, 300, 600, 500), (230, 230, 210))],
                ["moon", "night"], "A pale full moon in a dark night sky, minimal flat illustration."),
        Picture("red_circle", "sd15", (512, 768), white, [("ellipse", (100, 250, 400, 550), (220, 30, 30))],
                ["red circle"], "red circle on a white background, minimalist, flat design"),
        Picture("blue_square", "sd3", (1200, 1200), white, [("rectangle", (300, 300, 900, 900), (30, 60, 200))],
                ["blue square"], "A single blue square centred on a white background, minimalist geometric art."),
        Picture("green_triangle", "sdxl", (1344, 768), white,
                [("polygon", (672, 100, 300, 650, 1044), (40, 170, 60))],
                ["green triangle"], "green triangle on white, geometric, flat vector"),
        Picture("tree", "sdxl", (1024, 1024), sky, [("rectangle", (480, 600, 540, 900), (110, 70, 30)),
                                                   ("ellipse", (330, 250, 690, 640), (40, 140, 50))],
                ["tree"], "a lone green tree under a blue sky, flat illustration, simple"),
        Picture("house", "sd15", (768, 512), sky, [("rectangle", (250, 250, 520, 480), (200, 60, 40)),
                                                  ("polygon", (385, 120, 230, 250, 540), (90, 50, 30))],
                ["house"], "small red house with a brown roof, blue sky, children's book illustration"),
        Picture("two_circles", "illustrious", (832, 1216), white,
                [("ellipse", (100, 300, 400, 600), (220, 30, 30)), ("ellipse", (430, 600, 730, 900), (30, 60, 200))],
                ["red circle", "blue circle"], "masterpiece, best quality, red circle, blue circle, white background, "
                "simple background, minimalist"),
        Picture("stars", "flux", (1536, 1024), night, [("ellipse", (x, y, x + 8, y + 8), (255, 255, 255))
                                                       for x, y in ((200, 150), (700, 300), (1100, 200), (400, 700),
                                                                    (1300, 800), (900, 600))],
                ["stars", "night"], "A dark night sky scattered with small white stars, minimal and quiet."),
        Picture("meadow", "sdxl", (1216, 832), sky, [("rectangle", (0, 500, 1216, 832), grass)],
                ["meadow", "sky"], "green meadow under a wide blue sky, flat landscape illustration"),
        Picture("sunset", "sd3", (1344, 768), (240, 120, 60), [("ellipse", (570, 450, 770, 650), (255, 200, 80)),
                                                               ("rectangle", (0, 600, 1344, 768), (40, 30, 60))],
                ["sunset"], "A warm orange sunset with the sun sinking behind a dark horizon, flat illustration."),
        Picture("yellow_star", "pony", (1024, 1024), white,
                [("polygon", (512, 150, 300, 800, 724), (250, 210, 0))],
                ["star"], "score_9, score_8_up, score_7_up, yellow star shape, white background, simple background"),
        Picture("stripes", "sd15", (512, 512), white, [("rectangle", (0, y, 512, y + 40), (30, 30, 30))
                                                      for y in range(0, 512, 80)],
                ["stripes"], "black and white horizontal stripes, pattern, graphic design"),
        Picture("checkerboard", "sdxl", (1024, 1024), white,
                [("rectangle", (x, y, x + 128, y + 128), (20, 20, 20)) for x in range(0, 1024, 256)
                 for y in range(0, 1024, 256)], ["checkerboard"], "black and white checkerboard pattern, graphic"),
        Picture("ball", "illustrious", (832, 1216), grass, [("ellipse", (300, 500, 530, 730), (250, 250, 250))],
                ["ball", "grass"], "masterpiece, best quality, white ball, green grass, outdoors, no humans"),
        Picture("snowman", "flux", (1024, 1024), sky, [("ellipse", (400, 600, 620, 820), white),
                                                      ("ellipse", (440, 440, 580, 600), white),
                                                      ("rectangle", (0, 800, 1024, 1024), white)],
                ["snowman", "snow"], "A simple snowman standing on white snow under a blue sky, flat illustration."),
        Picture("window", "sd3", (1024, 1024), (60, 50, 40), [("rectangle", (300, 250, 724, 700), (160, 200, 240))],
                ["window"], "A bright window in a dark wooden wall, daylight outside, simple interior."),
        Picture("boat", "sdxl", (1344, 768), sky, [("rectangle", (0, 500, 1344, 768), (30, 80, 160)),
                                                  ("polygon", (672, 300, 560, 500, 784), white)],
                ["sailboat", "sea"], "small white sailboat on a blue sea, flat illustration, calm water"),
        Picture("mountain", "pony", (1216, 832), sky, [("polygon", (608, 150, 150, 832, 1066), (120, 120, 130))],
                ["mountain"], "score_9, score_8_up, score_7_up, grey mountain, blue sky, scenery, no humans"),
        Picture("heart", "sd15", (512, 512), white, [("ellipse", (140, 150, 270, 280), (210, 20, 60)),
                                                    ("ellipse", (242, 150, 372, 280), (210, 20, 60)),
                                                    ("polygon", (256, 420, 145, 240, 367), (210, 20, 60))],
                ["heart"], "red heart shape on a white background, simple, flat icon"),
    ]


def draw(picture: Picture) -> bytes:
    """The picture as a PNG carrying an A1111 infotext that must never leave."""
    canvas = Image.new("RGB", picture.size, picture.background)
    pen = ImageDraw.Draw(canvas)
    for kind, box, colour in picture.shapes:
        if kind == "polygon":  # (apex x, apex y, left x, base y, right x)
            ax, ay, lx, by, rx = box
            pen.polygon([(ax, ay), (lx, by), (rx, by)], fill=colour)
        else:
            getattr(pen, kind)(box, fill=colour)
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", SECRET)
    out = io.BytesIO()
    canvas.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def bad_answer(picture: Picture, k: int) -> dict:
    """Five kinds of bad answer, in turn: no prompt at all; the subject in the negative prompt too; a negation
    in the prompt; Pony's score tags missing or a tag prompt for a prose family; unbalanced attention."""
    subject = ", ".join(picture.subject)
    kind = k % 5
    if kind == 0:
        return {"prompt": "", "negative_prompt": "blurry", "params": {}, "notes": "cannot tell"}
    if kind == 1:
        return {"prompt": picture.good, "negative_prompt": f"blurry, {subject}, lowres", "params": {}, "notes": ""}
    if kind == 2:
        return {"prompt": f"{picture.good}, no people, without text", "negative_prompt": "blurry", "params": {},
                "notes": ""}
    if kind == 3:
        return {"prompt": picture.good.replace("score_9, score_8_up, score_7_up, ", ""), "negative_prompt": "blurry",
                "params": {"steps": 500}, "notes": ""}
    return {"prompt": f"(({subject}:1.3, {picture.good}", "negative_prompt": "blurry", "params": {}, "notes": ""}


def sent_images(body: dict) -> list[Image.Image]:
    found = []
    for message in body["messages"]:
        for block in message["content"] if isinstance(message["content"], list) else []:
            if block.get("type") == "image_url":
                found.append(Image.open(io.BytesIO(base64.b64decode(block["image_url"]["url"].split(",", 1)[1]))))
    return found


def has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?:s|es)?(?!\w)", text, re.IGNORECASE) is not None


def describe_row(service: Service, wire, picture: Picture, answer: dict, quality: str) -> dict:
    before = len(service.history.search("", user="", limit=500))
    start = len(wire.requests)
    row = {"picture": picture.name, "family": picture.family, "answer": quality}
    try:
        version = service.describe_image(load(draw(picture)), session=f"bench-{quality}", family=picture.family)
    except SdpaError as err:
        recorded = len(service.history.search("", user="", limit=500)) > before
        return {**row, "refused": True, "error": str(err), "nothing_recorded": not recorded,
                "all": not answer["prompt"] and not recorded}
    body = next(r.json for r in wire.requests[start:] if r.path.endswith("/chat/completions"))
    images = sent_images(body)
    checks = {
        "sent_clean": len(images) == 1 and images[0].format == "JPEG" and max(images[0].size) <= 1024
                      and not images[0].info.get("parameters") and SECRET not in json.dumps(body),
        "subject": all(has(version.prompt, s) for s in picture.subject),
        "negative_clean": not any(has(version.negative_prompt, s) for s in picture.subject),
        "no_negation": NEGATIONS.search(version.prompt) is None,
        "form": picture.family != "pony" or version.prompt.startswith("score_9"),
        "syntax": not problems(version.prompt),
        "answered": bool(answer["prompt"]),
    }
    return {**row, "refused": False, "prompt": version.prompt, "negative": version.negative_prompt, **checks,
            "all": all(checks.values())}


def check_rows(service: Service, pictures_: list[Picture]) -> list[dict]:
    rows = []
    for picture in pictures_:
        found = service.check_image(load(draw(picture)), f"a picture of a {picture.subject[0]}", picture.good)
        rows.append({"picture": picture.name, "refines": len(found.refines), "matches": found.matches,
                     "ok": len(found.refines) <= 3 and all(isinstance(x, str) and x.strip()
                                                           for x in found.matches + found.mismatches + found.refines)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="write every answer to this file")
    args = parser.parse_args()
    from tests.wire import OpenAIServer

    scenes = pictures()
    current: dict = {}

    def answer(body: dict) -> str:
        return json.dumps(current["answer"])

    results: dict[str, list[dict]] = {"good": [], "bad": [], "check": []}
    with tempfile.TemporaryDirectory() as folder, OpenAIServer(answer=answer) as wire:
        empty = Path(folder) / "empty.env"
        empty.write_text("", encoding="utf-8")
        settings = load_settings(environ={"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": wire.url + "/v1",
                                          "OPENAI_API_KEY": "none", "OPENAI_MODEL": "gpt-4.1-mini",
                                          "SDPA_DATA_DIR": folder, "SDPA_STREAM": "false"}, env_file=empty)
        service = Service(settings)
        for k, picture in enumerate(scenes):
            for quality in ("good", "bad"):
                current["answer"] = ({"prompt": picture.good, "negative_prompt": "blurry, lowres", "params": {},
                                      "notes": f"a {picture.subject[0]}"} if quality == "good"
                                     else bad_answer(picture, k))
                results[quality].append(describe_row(service, wire, picture, current["answer"], quality))
        current["answer"] = {"matches": ["the <b>shape</b>", 3], "mismatches": ["no cabin"],
                             "refines": ["add a cabin", "make it snowy", "add trees", "a fourth", "a fifth"]}
        results["check"] = check_rows(service, scenes)
    keys = ("sent_clean", "subject", "negative_clean", "no_negation", "form", "syntax")
    print("| answers | " + " | ".join(keys) + " | refused, nothing recorded | all |")
    print("|---" * (len(keys) + 3) + "|")
    for quality in ("good", "bad"):
        rows = results[quality]
        answered = [r for r in rows if not r["refused"]]
        refused = [r for r in rows if r["refused"]]
        cells = [f"{sum(bool(r[k]) for r in answered)}/{len(answered)}" for k in keys]
        print(f"| {quality} ({len(rows)}) | " + " | ".join(cells) +
              f" | {sum(r['nothing_recorded'] for r in refused)}/{len(refused)} | {sum(r['all'] for r in rows)}/"
              f"{len(rows)} |")
    checks = results["check"]
    print(f"\nThe look after Generate (a bad answer: markup, a number, five refines): "
          f"{sum(r['ok'] for r in checks)}/{len(checks)} clean, at most {max(r['refines'] for r in checks)} refines")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
