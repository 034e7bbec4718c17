"""MkDocs hooks for the documentation site (``mkdocs.yml``).

The pages under ``docs/`` also read on GitHub, where they link to the repository's other files
(``../results/five-methods/report.html``, ``../studies/``). The site holds only ``docs/``, so such a
link is checked here instead: a link to a file or folder that does not exist fails the build; one
that exists becomes its repository path in code (links inside ``docs/`` MkDocs checks itself).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

#: A fenced code block (left alone), or a link ``[text](target)`` / ``![alt](target)`` whose text may
#: hold inline code and whose target has no spaces.
LINK_OR_CODE = re.compile(r"(```.*?```)|(!?)\[((?:[^\]`]|`[^`]*`)*)\]\(([^)\s]+)\)", re.DOTALL)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Check and rewrite the page's links to repository files outside ``docs/`` (code blocks left alone)."""
    return _outside_links(markdown, page, config)


def _outside_links(markdown: str, page: Any, config: Any) -> str:
    docs = Path(config["docs_dir"]).resolve()
    root = docs.parent
    source = Path(page.file.abs_src_path).parent

    def outside(match: re.Match) -> str:
        code, image, text, target = match.groups()
        if code is not None or re.match(r"^[a-z][a-z+.-]*:", target) or target.startswith("#"):
            return match.group(0)
        path = target.split("#", 1)[0]
        resolved = (source / path).resolve()
        if resolved == docs or docs in resolved.parents:
            return match.group(0)
        if root not in resolved.parents or not resolved.exists():
            raise PluginError(f"{page.file.src_path}: link to {target}, which does not exist in the repository")
        where = resolved.relative_to(root).as_posix() + ("/" if resolved.is_dir() else "")
        return f"{text} (`{where}`)" if text and text.strip("`") != where else f"`{where}`"

    return LINK_OR_CODE.sub(outside, markdown)
