"""Infotexts in A1111's format, made from their parts: the prompt, the negative prompt and the settings a
generation writes (processing.create_infotext's shape: `Key: value` joined by ", ", a value with a comma,
colon or newline written as a JSON string). Deterministic: tests and the golden script make the same ones.

Each case is {"prompt", "negative", "settings": {key: text}}; `a1111_text(case)` is the infotext.
"""

from __future__ import annotations

import json
import random

EDGE_CASES = [
    {"prompt": "a cozy cabin in a snowy forest at dusk, <lora:add_detail:0.8>, (warm window light:1.2)",
     "negative": "blurry, lowres", "settings": {"Steps": "30", "Sampler": "DPM++ 2M", "Schedule type": "Karras",
                                                "CFG scale": "7", "Seed": "1234567890", "Size": "832x1216"}},
    {"prompt": "portrait of an old sailor\nBREAK\nstormy sea behind him, (rain:0.8)", "negative": "",
     "settings": {"Steps": "25", "Sampler": "Euler a", "CFG scale": "6.5", "Seed": "42", "Size": "512x768"}},
    {"prompt": 'a neon sign that says "OPEN 24/7", night street, [rain:snow:0.5]',
     "negative": "text errors, \"watermark\"\nsecond line of the negative",
     "settings": {"Steps": "20", "Sampler": "DPM++ SDE", "Schedule type": "Automatic", "CFG scale": "5",
                  "Seed": "7", "Size": "1024x1024", "Model hash": "31e35c80fc", "Model": "sd_xl_base_1.0",
                  "Lora hashes": "add_detail: 7c6bad76eb54, film_grain: 0a1b2c3d4e5f", "Version": "v1.10.1"}},
    {"prompt": "", "negative": "only a negative, no prompt",
     "settings": {"Steps": "8", "Sampler": "Euler", "CFG scale": "1", "Distilled CFG Scale": "3.5",
                  "Seed": "99", "Size": "896x1152", "Model": "flux1-dev-bnb-nf4-v2", "Schedule type": "Simple"}},
    {"prompt": "一只猫坐在窗台上, 日落, ((masterpiece))", "negative": "低质量",
     "settings": {"Steps": "28", "Sampler": "DPM++ 2M SDE", "CFG scale": "7", "Seed": "3", "Size": "768x768",
                  "ADetailer prompt": "detailed face,\nsmiling", "ADetailer model": "face_yolov8n.pt"}},
    {"prompt": "castle on a cliff, AND dragon in the sky :1.2, BREAK, volumetric fog", "negative": "bad anatomy",
     "settings": {"Steps": "40", "Sampler": "DPM++ 3M SDE", "Schedule type": "Exponential", "CFG scale": "4.5",
                  "Seed": "2024", "Size": "1344x768", "Denoising strength": "0.45", "Hires upscale": "2",
                  "Hires steps": "15", "Hires upscaler": "R-ESRGAN 4x+", "Hires prompt": "castle, sharp,\n(fog:0.5)",
                  "TI hashes": "easynegative: c74b4e810b03, bad_hands: 6a5f1d2c3b4e"}},
    {"prompt": "a cat\nwith a hat\nand a \"quote\" on three lines", "negative": "dog\ncat food",
     "settings": {"Steps": "20", "Sampler": "UniPC", "CFG scale": "7", "Seed": "-1", "Size": "512x512",
                  "Clip skip": "2", "ENSD": "31337", "Template": "a cat, {hat}, \"x\": y"}},
    {"prompt": "just a prompt with no settings at all", "negative": "", "settings": {}},
    {"prompt": "a prompt and a negative, no settings", "negative": "ugly, deformed", "settings": {}},
    {"prompt": "emoji 🚀 and accents: café, naïve, Ångström", "negative": "",
     "settings": {"Steps": "12", "Sampler": "LCM", "CFG scale": "1.5", "Seed": "1", "Size": "640x960",
                  "Emphasis": "No norm", "VAE": "sdxl_vae.safetensors", "VAE hash": "235745af8d"}},
]
SUBJECTS = ["a red fox in fresh snow", "an astronaut riding a horse", "a lighthouse on a rocky coast",
            "portrait of a young woman, freckles", "a bowl of ramen, steam", "a cyberpunk street market",
            "an ancient library, dust motes", "a samurai under cherry blossoms", "a tiny robot watering plants",
            "a medieval village at dawn"]
STYLE = ["cinematic lighting", "(golden hour:1.3)", "<lora:detail_tweaker:0.6>", "[oil painting:photo:0.4]",
         "BREAK", "film grain", "((sharp focus))", "\\(parenthesis\\) kept", "depth of field", "8k, highly detailed",
         "<lora:style-anime_v2:1>", "by greg rutkowski", "(masterpiece, best quality:1.1)", "soft rim light"]
NEGATIVES = ["", "lowres, bad anatomy", "(worst quality:1.4), watermark", "blurry\nextra fingers",
             "easynegative, <lora:neg_helper:0.5>", "text, signature, \"logo\""]
SAMPLERS = [("DPM++ 2M", "Karras"), ("Euler a", "Automatic"), ("DPM++ SDE", "Karras"), ("DDIM", "Uniform"),
            ("DPM++ 2M SDE", "Exponential"), ("Euler", "Simple"), ("Restart", "Align Your Steps")]
SIZES = ["512x512", "512x768", "768x512", "832x1216", "1216x832", "1024x1024", "896x1152"]
EXTRA = [("Model hash", lambda r: f"{r.getrandbits(40):010x}"), ("Model", lambda r: r.choice(
    ["sd_xl_base_1.0", "realisticVisionV60B1_v51VAE", "ponyDiffusionV6XL", "juggernautXL_v9"])),
    ("Clip skip", lambda r: str(r.choice([2, 3]))),
    ("Lora hashes", lambda r: ", ".join(f"{n}: {r.getrandbits(48):012x}" for n in
                                        r.sample(["detail_tweaker", "style-anime_v2", "neg_helper"], 2))),
    ("Denoising strength", lambda r: str(r.choice([0.3, 0.45, 0.7]))), ("Hires upscale", lambda r: "1.5"),
    ("Hires upscaler", lambda r: r.choice(["Latent", "4x-UltraSharp", "R-ESRGAN 4x+ Anime6B"])),
    ("Version", lambda r: r.choice(["v1.10.1", "f2.0.1v1.10.1-previous-669-gdfdcbab6", "1.6.0"])),
    ("Variation seed", lambda r: str(r.randrange(10 ** 9))), ("Variation seed strength", lambda r: "0.1"),
    ("NGMS", lambda r: "0.2"), ("RNG", lambda r: "CPU"),
    ("Hires prompt", lambda r: r.choice(["sharp details", "face, eyes: detailed", "line one\nline two"]))]


def _random_case(rand: random.Random) -> dict:
    terms = [rand.choice(SUBJECTS), *rand.sample(STYLE, rand.randint(1, 5))]
    separator = rand.choice([", ", ", ", "\n"])
    prompt = separator.join(terms).replace(", BREAK,", " BREAK")
    sampler, scheduler = rand.choice(SAMPLERS)
    settings = {"Steps": str(rand.randint(4, 60)), "Sampler": sampler, "Schedule type": scheduler,
                "CFG scale": str(rand.choice([1, 3.5, 5, 6, 7, 7.5, 12])), "Seed": str(rand.randrange(2 ** 32)),
                "Size": rand.choice(SIZES)}
    if rand.random() < 0.3:
        del settings["Schedule type"]  # infotexts from before A1111 1.9
    for key, make in rand.sample(EXTRA, rand.randint(0, 6)):
        settings[key] = make(rand)
    return {"prompt": prompt, "negative": rand.choice(NEGATIVES), "settings": settings}


def cases(count: int = 60) -> list[dict]:
    rand = random.Random(19)
    return [*EDGE_CASES, *(_random_case(rand) for _ in range(count - len(EDGE_CASES)))]


def quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False) if any(c in value for c in ",\n:") else value


def a1111_text(case: dict) -> str:
    """processing.create_infotext's text for these parts."""
    line = ", ".join(k if k == v else f"{k}: {quote(v)}" for k, v in case["settings"].items())
    negative = f"\nNegative prompt: {case['negative']}" if case["negative"] else ""
    return f"{case['prompt']}{negative}\n{line}".strip()


def expected_settings(case: dict) -> dict[str, str]:
    """The settings as a reader gives them back: a `WxH` value as `Key-1` and `Key-2`."""
    out = {}
    for key, value in case["settings"].items():
        width, x, height = value.partition("x")
        if x and width.isdigit() and height.isdigit():
            out[f"{key}-1"], out[f"{key}-2"] = width, height
        else:
            out[key] = value
    return out
