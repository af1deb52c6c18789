"""Subset the theme's web fonts to the characters the portal's English pages use (decision 0018).

    python theme/subset_fonts.py OUTPUT_DIR

USWDS ships Source Sans Pro with many scripts' glyphs (20 KB a face); cut to Latin-1, general
punctuation and a few symbols, a face is about 11 KB. A character outside the subset (a rare
letter in an agency's name) is still shown, in the fallback font named after the web font in
USWDS's font stacks. Run by `make install` (fontTools, pinned in requirements.txt); the output
is a build artifact, like the compiled stylesheet.
"""

import sys
from pathlib import Path

from fontTools import subset

BASE_DIR = Path(__file__).resolve().parent.parent
USWDS_FONTS = BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist" / "fonts"
# The faces theme/_uswds-theme.scss declares (@font-face): sans and serif, 400 and 700, roman and italic.
FACES = [
    "source-sans-pro/sourcesanspro-regular-webfont.woff2",
    "source-sans-pro/sourcesanspro-bold-webfont.woff2",
    "source-sans-pro/sourcesanspro-italic-webfont.woff2",
    "source-sans-pro/sourcesanspro-bolditalic-webfont.woff2",
    "merriweather/Latin-Merriweather-Regular.woff2",
    "merriweather/Latin-Merriweather-Bold.woff2",
    "merriweather/Latin-Merriweather-Italic.woff2",
    "merriweather/Latin-Merriweather-BoldItalic.woff2",
]
# Latin-1, œ/Œ and ı, spacing accents, general punctuation (dashes, curly quotes, ellipsis),
# superscript 4, euro, trade mark, arrows up/down, minus and division slash.
UNICODES = ",".join(
    (
        *("U+0000-00FF", "U+0131", "U+0152-0153", "U+02C6", "U+02DA", "U+02DC", "U+2000-206F"),
        *("U+2074", "U+20AC", "U+2122", "U+2191", "U+2193", "U+2212", "U+2215"),
    )
)


def main(output_dir):
    for face in FACES:
        target = Path(output_dir) / face
        target.parent.mkdir(parents=True, exist_ok=True)
        subset.main(
            [
                str(USWDS_FONTS / face),
                f"--unicodes={UNICODES}",
                "--layout-features=kern,liga",
                "--flavor=woff2",
                f"--output-file={target}",
            ]
        )


if __name__ == "__main__":
    main(sys.argv[1])
