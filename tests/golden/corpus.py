"""The prompts the golden fixture is made of: every form of A1111's syntax, the cases issue 11 lists, text
normalisation, chunk boundaries, and seeded random mixes of them all."""

from __future__ import annotations

import random

HAND = [
    # plain text and commas
    "a cozy cabin, snowy forest", "", " ", ",", "a,b,,c", "masterpiece, best quality, 1girl, solo",
    "a cozy cabin in a snowy forest at dusk, warm light from the windows, smoke from the chimney",
    "photo of a red fox. golden hour; shallow depth of field!", "a cat's toy, it's 3 o'clock, rock'n'roll",
    "line one\nline two\n\nline three", "tabs\tand  double  spaces", "UPPER Case Words",
    # attention
    "(masterpiece)", "((masterpiece))", "(((masterpiece)))", "[blurry]", "[[blurry]]", "(masterpiece:1.2)",
    "(masterpiece: 1.2 )", "(masterpiece:1.2 ), (best quality :0.8)", "(a, b:1.3), c", "((a cat:1.3), hat)",
    "(red hair:-0.5)", "(red hair:+1.5)", "(red hair:.5)", "(red hair:1.)", "(red hair:0)", "(red hair:10)",
    "(rain)bow", "rain(bow)", "(rain)(bow)", "[rain]bow", "(unbalanced", "unbalanced)", "[unbalanced", "unbalanced]",
    "((a), b", "(a]", "[a)", "(a:1.2", "a:1.2)", "(a:b)", "(style: anime)", "(a:1.2:1.3)", "(a:1.2.3)",
    "((a cat), sitting:1.2.3)", "(a:1e2)", "(:1.2)", "()", "[]", "(())", "( )", "(a (b:1.2) c:0.9)",
    "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).", "(a:1.2)(b:0.8)", "(a:1.2)b(c:0.8)",
    # escapes
    r"\(artist\)", r"\(artist\), (real:1.1)", r"a \[bracket\] b", r"back\\slash", r"a \ b", "trailing\\",
    r"\(unbalanced", r"(\(nested\):1.2)", r"\:colon", r"a \| b", r"[a\|b]", r"\<lora:x:1\>", r"(a\):1.2)",
    # prompt editing
    "[cat:dog:0.5]", "[cat:dog:10]", "[cat::5]", "[:dog:5]", "[dog:5]", "[dog: 5]", "[cat : dog : 0.25]",
    "[cat:dog:0.25 ]", "a [b:c:1] d", "a[b:[c:d:2]:1]e", "[cat:dog:1.5]", "[cat:dog:-1]", "[cat:dog:1e1]",
    "[cat:dog:c]", "[cat:dog:0.5:0.7]", "[cat:dog]", "[(cat:1.2):dog:0.5]", "[cat:(dog:1.2):0.5]",
    "fantasy landscape with a [mountain:lake:0.25] and [an oak:a christmas tree:0.75][ in foreground::0.6]"
    "[: in background:0.25] [shoddy:masterful:0.5]",
    "a [[[b]]:2]", "[(a:2):3]", "a [unbalanced", "((a][:b:c [d:3]", "[cat:dog:0]", "[cat:dog:20]", "[cat:dog:25]",
    "[cat:dog:0.999]", "[cat:dog:.5]", "[a very long fluffy white cat sitting on a cushion:a dog:0.5], garden",
    "[a:b:3], [c:d:7], [e:f:0.8]", "[cat:[dog:wolf:0.5]:0.2]",
    # alternation
    "[cat|dog]", "[cat|dog|bird]", "[fe|]male", "[fe|||]male", "[a|(b:1.1)]", "[cat|dog] in a [field|forest]",
    "[a very long fluffy cat|dog]", "[cat|[dog|wolf]]", "[cat|[dog:wolf:5]]", "[cat:[dog|wolf]:5]",
    "a | b", "a|b", "cat, | dog", "[cat|dog", "cat|dog]", "(cat|dog)", "(cat|dog:1.2)", "{cat|dog}",
    # AND
    "a cabin AND a frozen lake", "a cabin :1.2 AND a frozen lake :0.8", "a cabin:1.2 AND a frozen lake:0.8",
    "a cabin AND a frozen lake :-0.5", "a cabin AND", "AND a cabin", "AND", "a cabin AND AND a lake",
    "a cabin and a frozen lake", "a cabin ANDa lake", "a cabin, AND, a lake", "(a cabin AND a lake:1.2)",
    "a cabin :1.2", "cat:2", "cat: 2 ", "cat :1.2.3", "a cabin AND a lake :1.2 :0.8", "AND, a cabin :1.2 and a "
    "frozen lake :0.8, dark", "a [cat:dog:5] AND a [bird|fish]", "<lora:x:0.5> a AND <lora:y:0.7> b",
    "a cabin\nAND\na lake", "a cabin AND a frozen lake BREAK with ice",
    # BREAK
    "a BREAK b", "a, BREAK, b", "BREAK a", "a BREAK", "a BREAK BREAK b", "(a BREAK b)", "[a BREAK b]",
    "a break b", "aBREAK b", "a BREAKb", "a\nBREAK\nb", "[a:b BREAK c:5]", "BREAK", "a,BREAK,b", "a BREAK, b",
    "(a:1.2) BREAK (b:0.8)", "[a|b BREAK c]", "((a) BREAK b)", "a (BREAK) b", "BREAK BREAK",
    # extra networks and angle brackets
    "<lora:detail:0.8>", "<lora:detail>", "<lora:detail:0.8>, cabin", "cabin <lora:detail:0.8> snow",
    "<lyco:film:0.5:0.2>", "<hypernet:ink:1>", "<lora2:x:1>", "<lora:name with spaces:0.5>",
    "<lora:x:0.8:lbw=OUTD>", "<lora:x:1", "a<lora:x:1>b", "<lora:x:1><lora:y:0.5>", "cute girl, >_<, heart <3",
    "a <b> c", "<3 <3", "x > y < z", "<:x:1>", "<lora::1>", "<lora:x:1:2:3>", "(<lora:x:1>:1.2)",
    "[<lora:x:1>:cat:5]", "<lora:x:-1>", "<LoRA:Detail:0.5>", "<lora:x:1> BREAK <lora:y:1>",
    # text normalisation
    "ＣＡＴ，ＤＯＧ", "ｃａｔ", "cat，dog", "tom &amp; jerry", "&lt;3", "tom &amp; jerry <lora:x:1>",
    "&quot;quoted&quot;", "“curly quotes” and ‘single’", "ﬁsh and ﬂowers", "café au lait", "naïve", "cafe\u0301",
    "瀑布", "(瀑布:1.2)", "美しい少女, 桜", "красивая девушка", "🐱 cat emoji 🐶", "a\u3000b", "a\u00a0b",
    "&#39;quoted&#39;", "&#x27;hex&#x27;", "&nbsp;", "a &amp b", "ⅸ roman", "x²", "Ｈｅｌｌｏ　Ｗｏｒｌｄ",
    "ｶﾀｶﾅ", "â€™ mojibake", "zero\u200bwidth", "soft\u00adhyphen", "ĳ ligature",
    # wildcards and variants (text to A1111 without extensions)
    "__colors__ sky", "{red|blue} door", "__a/b__", "{2$$a|b|c}",
]

FRAGMENTS = [
    "masterpiece", "best quality", "1girl", "solo", "cabin", "snowy forest", "dusk", "warm light",
    "(sharp focus:1.2)", "(masterpiece)", "[blurry]", "((detailed eyes))", "(red hair:0.8)", "<lora:detail:0.8>",
    "<lyco:film:0.5>", "[day:night:0.5]", "[cat|dog]", "[snow::10]", "BREAK", "AND", r"\(artist\)", "(瀑布:1.2)",
    ">_<", "<3", "__colors__", "{red|blue}", "ＣＡＴ", "tom &amp; jerry", "(rain)bow", "(a, b:1.3)",
    "very long flowing silver hair with braids", "intricate ornate golden armor", "cinematic lighting",
    "volumetric fog", "depth of field", "8k uhd", "film grain", "portrait", "looking at viewer", "smile",
    "[from a:to b:0.3]", "(smiling:-0.3)", "<lora2:x:1>", "cute", "(((sky)))", "[[[shadow]]]", "a \\ b",
]

WORDS = (
    "red", "blue", "green", "fox", "cabin", "snow", "forest", "river", "mountain", "lake", "light", "shadow",
    "dusk", "dawn", "portrait", "soldier", "castle", "dragon", "knight", "armor", "flowers", "garden", "street",
    "city", "rain", "fog", "neon", "cyberpunk", "detailed", "intricate", "beautiful", "photograph", "painting",
    "watercolor", "sketch", "anime", "cinematic", "dramatic", "soft", "warm", "cold", "golden", "silver",
)


def _phrase(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5)))


def _long(rng: random.Random, tokens: int) -> str:
    """Comma lists that cross 75-token boundaries at every distance from the last comma."""
    terms: list[str] = []
    while sum(len(t.split()) + 1 for t in terms) < tokens:
        terms.append(_phrase(rng))
    return ", ".join(terms)


def corpus(rng: random.Random) -> list[str]:
    prompts = list(HAND)
    for size in (70, 74, 75, 76, 80, 95, 140, 150, 160, 230):
        prompts.append(_long(rng, size))
    for length in range(70, 80):  # one term of many words: no comma to go back to
        prompts.append(" ".join(rng.choice(WORDS) for _ in range(length)))
    for gap in (5, 19, 20, 21, 30):  # the last comma `gap` tokens before the 75th
        prompts.append(" ".join(["word"] * (75 - gap)) + ", " + " ".join(["fox"] * (gap + 5)))
    prompts.append(_long(rng, 90) + " BREAK " + _long(rng, 20))
    prompts.append("[" + _long(rng, 60) + ":" + _long(rng, 100) + ":0.5]")
    prompts.append(_long(rng, 50) + " AND " + _long(rng, 100))
    prompts.append("(" + _long(rng, 90) + ":1.1)")
    for _ in range(170):
        picked = [rng.choice(FRAGMENTS) if rng.random() < 0.6 else _phrase(rng) for _ in range(rng.randint(2, 12))]
        prompts.append(rng.choice([", ", " ", ","]).join(picked))
    return list(dict.fromkeys(prompts))


SOUP = ["a", "b", " ", ":", "|", "[", "]", "(", ")", "\\", "0.5", "1", "3", "-1", ".5", "1e1", "x y", "BREAK", "AND",
        "\n", ",", "25", "1.2.3"]


def soup(rng: random.Random, count: int) -> list[str]:
    """Short random strings of syntax characters: where a parser of A1111's grammar goes wrong, if anywhere."""
    return list(dict.fromkeys("".join(rng.choice(SOUP) for _ in range(rng.randint(1, 14))) for _ in range(count)))
