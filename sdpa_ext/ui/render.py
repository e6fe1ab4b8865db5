"""HTML for the UI's status line, diff, token counts and VRAM bar: pure functions over our data."""

from __future__ import annotations

from html import escape

from ..types import PromptVersion


def status(version: PromptVersion | None, *, error: str = "", note: str = "") -> str:
    if error:
        return (f'<div class="sdpa-status sdpa-error">⚠ {escape(error)}<br>'
                "<small>Your prompt is unchanged.</small></div>")
    if version is None:
        return f'<div class="sdpa-status">{escape(note)}</div>'
    usage = version.usage
    cost = "" if version.cost_usd is None else f" · ${version.cost_usd:.4f}"
    parts = [f"{escape(version.provider)} <b>{escape(version.model)}</b>",
             f"{usage.input_tokens + usage.cache_read_tokens}+{usage.output_tokens} tokens{cost}",
             f"{version.latency_s:.1f} s", escape(version.family or "")]
    extra = "".join(f"<li>{escape(w)}</li>" for w in version.warnings)
    notes = f"<div class='sdpa-notes'>{escape(version.notes)}</div>" if version.notes else ""
    return (f'<div class="sdpa-status">{" · ".join(p for p in parts if p)}{notes}'
            f'{f"<ul class=sdpa-warnings>{extra}</ul>" if extra else ""}{escape(note)}</div>')


def diff(change: dict) -> str:
    added = "".join(f'<ins class="sdpa-added">+ {escape(t)}</ins> ' for t in change.get("added", []))
    removed = "".join(f'<del class="sdpa-removed">− {escape(t)}</del> ' for t in change.get("removed", []))
    return f'<div class="sdpa-diff">{added}{removed}</div>' if added or removed else '<div class="sdpa-diff"></div>'


def tokens(version: PromptVersion | None) -> str:
    if version is None or not version.tokens:
        return '<div class="sdpa-tokens"></div>'
    rows = []
    for field, label in (("prompt", "Prompt"), ("negative", "Negative")):
        count = version.tokens.get(field)
        if not count:
            continue
        chunks = " | ".join(f"{c['tokens']}" for c in count["chunks"])
        rows.append(f"<span class='sdpa-count' title='75-token chunks: {escape(chunks)} ({count['source']})'>"
                    f"{label} {count['count']}/{count['limit']}</span> <small>chunks: {escape(chunks)}</small>")
    return f'<div class="sdpa-tokens">{"<br>".join(rows)}</div>'


def vram_bar(report: dict) -> str:
    """A bar per GPU: Stable Diffusion, Ollama, free; then the recommendation."""
    if not report.get("gpus"):
        gpus = f"<p>{escape(report.get('message') or 'no CUDA GPU')}</p>"
    else:
        loaded = sum(m.get("vram_gb", 0) for m in report.get("ollama", {}).get("loaded", []))
        sd_gb = report.get("sd", {}).get("footprint_gb") or 0
        bars = []
        for gpu in report["gpus"]:
            total = gpu["total_gb"] or 1
            sd_here = sd_gb if gpu["index"] == report.get("recommended", {}).get("gpu_index", 0) else 0
            used_other = max(0.0, total - gpu["free_gb"] - sd_here - loaded)
            free = max(0.0, total - sd_here - loaded - used_other)
            segments = [("sd", sd_here, "Stable Diffusion"), ("ollama", loaded, "Ollama"),
                        ("other", used_other, "other"), ("free", free, "free")]
            spans = "".join(f"<span class='sdpa-vram-{k}' style='width:{100 * v / total:.1f}%' "
                            f"title='{t}: {v:.1f} GB'></span>" for k, v, t in segments if v > 0)
            legend = " · ".join(f"{t} {v:.1f} GB" for _k, v, t in segments if v > 0)
            bars.append(f"<div class='sdpa-gpu'><b>GPU {gpu['index']}: {escape(gpu['name'])}</b> "
                        f"({total:g} GB)<div class='sdpa-vram'>{spans}</div><small>{legend}</small></div>")
        gpus = "".join(bars)
    rec = report.get("recommended") or {}
    lines = []
    for role in ("planning", "execution"):
        pick = (rec.get("dual") or {}).get(role)
        if pick:
            pull = f" — <code>{escape(pick['pull'])}</code>" if pick.get("pull") else " (installed)"
            lines.append(f"<li>{role}: <b>{escape(pick['model'])}</b> {pick['vram_gb']:g} GB{pull}</li>")
    reason = escape(rec.get("reason", ""))
    return (f"<div class='sdpa-hardware'>{gpus}<p>Mode: <b>{escape(rec.get('mode', ''))}</b>, budget "
            f"{report.get('budget_gb', 0):g} GB</p><ul>{''.join(lines)}</ul><p><small>{reason}</small></p></div>")


def progress(fraction: float, text: str) -> str:
    return (f"<div class='sdpa-progress'><div style='width:{100 * max(0.0, min(1.0, fraction)):.0f}%'></div>"
            f"<span>{escape(text)}</span></div>")
