"""Every piece of HTML the UI shows (status line, diff, token counts, VRAM bar, provider check, progress):
pure functions over our data. Each value that is not our own markup goes through `esc`, the one escaping
helper: model ids, provider errors, prompts, notes and diffs are text, never HTML."""

from __future__ import annotations

import html
import math

from ..types import ImageCheck, PromptVersion


def esc(value: object) -> str:
    """Text -> HTML text or attribute value (quotes escaped too)."""
    return html.escape("" if value is None else str(value), quote=True)


def _num(value: object, spec: str = "g") -> str:
    """A number from a report, formatted; anything else (a hostile string) as escaped text."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return format(value, spec)
    return esc(value)


def status(version: PromptVersion | None, *, error: str = "", note: str = "") -> str:
    if error:
        return (f'<div class="sdpa-status sdpa-error">⚠ {esc(error)}<br>'
                "<small>Your prompt is unchanged.</small></div>")
    if version is None:
        return f'<div class="sdpa-status">{esc(note)}</div>'
    usage = version.usage
    cost = "" if version.cost_usd is None else f" · ${_num(version.cost_usd, '.4f')}"
    who = f"{esc(version.provider)} <b>{esc(version.model)}</b>"
    parts = [_ruled(version.model) if version.provider == "rules" else f"{who} ({esc(version.role)})",
             f"{_num(usage.input_tokens + usage.cache_read_tokens)}+{_num(usage.output_tokens)} tokens{cost}",
             f"{_num(version.latency_s, '.1f')} s", esc(version.family or "")]
    extra = "".join(f"<li>{esc(w)}</li>" for w in version.warnings)
    notes = f"<div class='sdpa-notes'>{esc(version.notes)}</div>" if version.notes else ""
    return (f'<div class="sdpa-status">{" · ".join(p for p in parts if p)}{notes}'
            f'{f"<ul class=sdpa-warnings>{extra}</ul>" if extra else ""}{esc(note)}</div>')


def _ruled(how: str) -> str:
    """What answered when no model was called."""
    return {"chip": "chip: our exact edit, no model called",
            "edit rules": "our rules read your instruction (the embedded model was not needed)",
            "your own words": "your own words, no model called",
            "image parameters": "read from the image's parameters, no model called"}.get(how, f"no model: {esc(how)}")


def diff_html(change: dict) -> str:
    added = "".join(f'<ins class="sdpa-added">+ {esc(t)}</ins> ' for t in change.get("added", []))
    removed = "".join(f'<del class="sdpa-removed">− {esc(t)}</del> ' for t in change.get("removed", []))
    return f'<div class="sdpa-diff">{added}{removed}</div>' if added or removed else '<div class="sdpa-diff"></div>'


SOURCES = {"host": "the WebUI's own tokenizer", "clip-bpe": "CLIP's vocabulary (the WebUI's own tokenizer once a "
           "checkpoint is loaded)", "estimate": "an estimate: no CLIP vocabulary is installed"}


def tokens_html(version: PromptVersion | None) -> str:
    """Each box's count as the WebUI shows it (count/limit), then how many 75-token chunks, with their sizes."""
    if version is None or not version.tokens:
        return '<div class="sdpa-tokens"></div>'
    rows = []
    for field, label in (("prompt", "Prompt"), ("negative", "Negative")):
        count = version.tokens.get(field)
        if not count:
            continue
        sizes = [_num(c.get("tokens")) for c in count.get("chunks", [])]
        chunks = f"{len(sizes)} chunk{'s' if len(sizes) != 1 else ''}" + (f" ({' + '.join(sizes)})"
                                                                           if len(sizes) > 1 else "")
        source = count.get("source")
        rows.append(f"<span class='sdpa-count' title='Counted with {esc(SOURCES.get(source, source))}'>"
                    f"{label} {_num(count.get('count'))}/{_num(count.get('limit'))}</span> "
                    f"<small>{chunks}{' (estimate)' if source == 'estimate' else ''}</small>")
    return f'<div class="sdpa-tokens">{"<br>".join(rows)}</div>'


def vram_bar(report: dict) -> str:
    """A bar per GPU: Stable Diffusion, Ollama, free; then the recommendation."""
    if not report.get("gpus"):
        gpus = f"<p>{esc(report.get('message') or 'no CUDA GPU')}</p>"
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
            spans = "".join(f"<span class='sdpa-vram-{k}' style='width:{_num(100 * v / total, '.1f')}%' "
                            f"title='{t}: {_num(v, '.1f')} GB'></span>" for k, v, t in segments if v > 0)
            legend = " · ".join(f"{t} {_num(v, '.1f')} GB" for _k, v, t in segments if v > 0)
            bars.append(f"<div class='sdpa-gpu'><b>GPU {_num(gpu['index'])}: {esc(gpu['name'])}</b> "
                        f"({_num(total)} GB)<div class='sdpa-vram'>{spans}</div><small>{legend}</small></div>")
        gpus = "".join(bars)
    rec = report.get("recommended") or {}
    lines = []
    for role in ("planning", "execution"):
        pick = (rec.get("dual") or {}).get(role)
        if pick:
            pull = f" — <code>{esc(pick['pull'])}</code>" if pick.get("pull") else " (installed)"
            lines.append(f"<li>{role}: <b>{esc(pick['model'])}</b> {_num(pick['vram_gb'])} GB{pull}</li>")
    seeing = rec.get("vision")
    if seeing:
        pull = f" — <code>{esc(seeing['pull'])}</code>" if seeing.get("pull") else " (installed)"
        lines.append(f"<li>images: <b>{esc(seeing['model'])}</b> {_num(seeing['vram_gb'])} GB{pull} "
                     f"<small>{esc(seeing.get('note', ''))}</small></li>")
    mode = (f"<p>Mode: <b>{esc(rec.get('mode', ''))}</b>, budget {_num(report.get('budget_gb', 0))} GB</p>"
            if report.get("gpus") else "")  # no GPU: the message alone says so, with no budget beside it
    return (f"<div class='sdpa-hardware'>{gpus}{mode}<ul>{''.join(lines)}</ul>"
            f"<p><small>{esc(rec.get('reason', ''))}</small></p></div>")


def look(found: ImageCheck | None, *, error: str = "") -> str:
    """The look at a generated image: what matches, what does not (the refines are buttons beside it)."""
    if error:
        return f"<div class='sdpa-look sdpa-error'>⚠ {esc(error)}</div>"
    if found is None:
        return ""
    lists = "".join(f"<div><b>{title}</b><ul>{''.join(f'<li>{esc(item)}</li>' for item in items)}</ul></div>"
                    for title, items in (("Matches", found.matches), ("Does not match", found.mismatches)) if items)
    cost = "" if found.cost_usd is None else f" · ${found.cost_usd:.4f}"
    return (f"<div class='sdpa-look'>{lists or 'Nothing to say about this image.'}"
            f"<small>{esc(found.provider)} {esc(found.model)} · {esc(found.image)}{cost} · "
            f"{found.latency_s:.1f} s</small></div>")


def check_table(rows: list[tuple[str, str, str, list[str], bool]]) -> str:
    """The provider check: (role, client label, result or error, model ids, ok) per role."""
    cells = []
    for role, label, result, models, ok in rows:
        outcome = f"<td>ok: {esc(result)}</td>" if ok else f"<td class='sdpa-error'>{esc(result)}</td>"
        cells.append(f"<tr><td>{esc(role)}</td><td>{esc(label)}</td>{outcome}"
                     f"<td>{esc(', '.join(models))}</td></tr>")
    return f"<table class='sdpa-check'>{''.join(cells)}</table>"


def progress(fraction: float, text: str) -> str:
    share = max(0.0, min(1.0, fraction)) if isinstance(fraction, int | float) and math.isfinite(fraction) else 0.0
    return (f"<div class='sdpa-progress'><div style='width:{100 * share:.0f}%'></div>"
            f"<span>{esc(text)}</span></div>")


def roles(by_role: dict[str, dict[str, str]]) -> str:
    """Each role's provider and model on one small line (Service.roles())."""
    parts = [f"{esc(role.title())}: {esc(config.get('provider'))} "
             f"<b>{esc(config.get('model') or config.get('label') or 'default')}</b>"
             for role, config in by_role.items()]
    return f'<div class="sdpa-roles">{" · ".join(parts)}</div>'


def takes(versions: list[PromptVersion], current: str, total: list | None) -> str:
    """Takes side by side: each prompt with what the first take lacks marked, the current one said, and what the
    calls cost together (`total`: cost, seconds, calls)."""
    if not versions:
        return '<div class="sdpa-takes"></div>'
    from ..craft.prompt import Prompt
    from ..history import diff

    first = versions[0]
    columns = []
    for index, version in enumerate(versions):
        new = set(diff(first.prompt, version.prompt).added) if index else set()
        terms = Prompt.parse(version.prompt).units()
        joiner = ", " if version.prompt.count(",") >= 2 else " "
        text = joiner.join(f"<mark class='sdpa-take-new'>{esc(t)}</mark>" if t in new else esc(t) for t in terms)
        size = f"{_num(version.params.get('width'))}x{_num(version.params.get('height'))}" \
            if version.params.get("width") else ""
        badge = " <b class='sdpa-take-current'>current</b>" if version.id == current else ""
        columns.append(f"<div class='sdpa-take'><div class='sdpa-take-head'>Take {index + 1}{badge} "
                       f"<small>{esc(size)}</small></div><div class='sdpa-take-prompt'>{text}</div></div>")
    foot = ["marked: what a take has that take 1 has not"]
    if total and len(total) == 3:
        cost, seconds, calls = total
        money = "cost unknown" if cost is None else f"${_num(cost, '.4f')}"
        foot.insert(0, f"{len(versions)} takes: {_num(calls)} call(s), {money}, {_num(seconds, '.1f')} s")
    return (f"<div class='sdpa-takes'><div class='sdpa-takes-row'>{''.join(columns)}</div>"
            f"<small>{esc('; '.join(foot))}</small></div>")


def estimate_html(n: int, guess: tuple[float | None, float] | None) -> str:
    """What n takes would cost and take (from this session's last answer), before asking."""
    if n <= 1:
        return '<div class="sdpa-estimate"></div>'
    if guess is None:
        return f'<div class="sdpa-estimate">{_num(n)} takes: no answer yet in this session to estimate from</div>'
    cost, seconds = guess
    money = "cost unknown" if cost is None else f"about ${_num(cost, '.4f')}"
    return (f'<div class="sdpa-estimate">{_num(n)} takes: {money}, about {_num(seconds, ".1f")} s '
            "(from this session's last answer)</div>")
