"""A corpus of hostile strings for escaping tests: every payload, if it ever ran, would set window.__pwned
or create an element with id/class "pwned" — the tests check that neither happens and the text shows literally."""

from __future__ import annotations

_BASE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "<img src=x onerror=window.__pwned=1 id=pwned>",
    '<svg onload="window.__pwned=1"><circle class="pwned"/></svg>',
    "<svg><script>window.__pwned=1</script></svg>",
    '"><script>window.__pwned=1</script>',
    "'><img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    "</textarea><script>window.__pwned=1</script>",
    "</style><script>window.__pwned=1</script>",
    "javascript:window.__pwned=1",
    '<a href="javascript:window.__pwned=1" id="pwned">click</a>',
    '<iframe src="javascript:window.__pwned=1" class="pwned"></iframe>',
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    '<math href="javascript:window.__pwned=1">m</math>',
    "<details open ontoggle=window.__pwned=1 id=pwned>",
    "<body onload=window.__pwned=1>",
    "<input autofocus onfocus=window.__pwned=1 class=pwned>",
    '<object data="javascript:window.__pwned=1"></object>',
    '<embed src="javascript:window.__pwned=1">',
    '<base href="//evil.invalid/">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=1">',
    '<div id="pwned" style="position:fixed;inset:0">overlay</div>',
    "<style>body{display:none}</style>",
    "<b onmouseover=window.__pwned=1>bold</b>",
    "<marquee onstart=window.__pwned=1>m</marquee>",
    '<video><source onerror="window.__pwned=1"></video>',
    "<audio src=x onerror=window.__pwned=1>",
    '<form action="javascript:window.__pwned=1"><button id=pwned>go</button></form>',
    "<!--<img src=x onerror=window.__pwned=1>-->",
    "<![CDATA[<script>window.__pwned=1</script>]]>",
    '<img src="x" onerror="&#119;indow.__pwned=1">',
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e",
    "';window.__pwned=1;//",
    '";window.__pwned=1;//',
    "`${window.__pwned=1}`",
    "{{7*7}}",
    "{% raw %}{{ config }}{% endraw %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "=cmd|' /C calc'!A0",
    "+SUM(1,1)",
    "-2+3",
    "@SUM(1,1)",
    "\u202egnp.exe\u202c 北渡",
    "零\u200b宽\u200d字\ufeff符",
    '<p dir="rtl">\u202e<script>window.__pwned=1</script></p>',
    "\x07bell\x1bescape\x7fdel",
    "綦江" * 2000,
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
]

HOSTILE: list[str] = [f"{i:02d}{s}" for i, s in enumerate(_BASE)]
assert len(HOSTILE) >= 50


# the visible start of each string, to look for in page text (long strings are truncated by layouts)
def probe_text(value: str) -> str:
    """A short, layout-proof fragment of a hostile string that must appear literally in the page."""
    return value[:12]
