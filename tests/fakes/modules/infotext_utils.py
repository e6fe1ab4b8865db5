"""modules.infotext_utils: the host's infotext parser, marked so a test sees it was the one used, and adding
one of the UI defaults the real one adds."""


def parse_generation_parameters(x, skip_fields=None):
    prompt, _, rest = x.partition("\nNegative prompt: ")
    negative, _, last = rest.rpartition("\n")
    fields = dict(pair.split(": ", 1) for pair in last.split(", ") if ": " in pair)
    return {**fields, "Prompt": f"host: {prompt}", "Negative prompt": negative, "Clip skip": "1"}
