"""MkDocs hooks (mkdocs.yml `hooks:`): add the reference pages, generated from ember's typing
tables by tools/gen_reference.py, to the site being built. They are never committed (the
folder docs/reference/ is ignored by git), so they cannot go stale: a function added to the
tables is on the next build's pages."""
import os
import sys

from mkdocs.structure.files import File

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_reference  # noqa: E402


def on_files(files, config):
    for name, text in gen_reference.pages().items():
        old = files.get_file_from_path("reference/" + name)
        if old:   # a copy written by `gen_reference.py --out docs/reference`: today's wins
            files.remove(old)
        files.append(File.generated(config, "reference/" + name, content=text))
    return files
