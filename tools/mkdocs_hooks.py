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

#: ``[text](target)`` and ``![alt](target)``, a target without spaces.
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    docs = Path(config["docs_dir"]).resolve()
    root = docs.parent
    source = Path(page.file.abs_src_path).parent

    def outside(match: re.Match) -> str:
        image, text, target = match.groups()
        if re.match(r"^[a-z][a-z+.-]*:", target) or target.startswith("#"):
            return match.group(0)
        path = target.split("#", 1)[0]
        resolved = (source / path).resolve()
        if resolved == docs or docs in resolved.parents:
            return match.group(0)
        if not resolved.exists():
            raise PluginError(f"{page.file.src_path}: link to {target}, which does not exist in the repository")
        where = resolved.relative_to(root).as_posix() + ("/" if resolved.is_dir() else "")
        return f"{text} (`{where}`)" if text and text.strip("`") != where else f"`{where}`"

    return LINK.sub(outside, markdown)
