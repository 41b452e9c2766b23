"""Serve Source Sans Pro (which has Cyrillic glyphs) from our own origin.

The font comes from the `font-source-sans-pro` wheel, so no binary lives in this repository;
this finder exposes just the two faces the stylesheet uses under `static/fonts/`.
"""

from pathlib import Path

import font_source_sans_pro
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

FACES = ("SourceSansPro-Regular.ttf", "SourceSansPro-Bold.ttf", "LICENSE.txt")
FONT_DIR = Path(font_source_sans_pro.__file__).parent / "files"
PREFIX = "fonts/"


class FontFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.storage = FileSystemStorage(location=str(FONT_DIR))
        self.storage.prefix = PREFIX.rstrip("/")

    def find(self, path, find_all=False, **kwargs):
        name = path.removeprefix(PREFIX)
        if path.startswith(PREFIX) and name in FACES:
            match = str(FONT_DIR / name)
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns):
        for name in FACES:
            yield name, self.storage
