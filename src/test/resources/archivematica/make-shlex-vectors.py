#!/usr/bin/env python3
"""Regenerates shlex-vectors.jsonl: what Python's shlex.split (and MCPClient's
parse_command_line, which also drops a backslash before a backtick) make of each input.

Run from this directory: python3 make-shlex-vectors.py > shlex-vectors.jsonl
Each line: {"input": s, "split": [...], "parsed": [...]} or {"input": s, "error": msg}.
"""
import json
import shlex


def parse_command_line(s):
    # MCPClient's rule: after splitting, drop each backslash that precedes a backtick.
    return ["".join(c1 for c1, c2 in zip(w, w[1:] + ".") if (c1, c2) != ("\\", "`"))
            for w in shlex.split(s)]


INPUTS = [
    "", " ", "\t\n\r ", "a", "a b", "  a   b  ", "a\tb\nc\rd",
    "'a b'", '"a b"', "''", '""', "'' ''", '"" ""', "a''", "''a", "a''b", 'a""b',
    "'a'\"b\"c", "a'b c'd", 'a"b c"d',
    r"a\ b", r"\a", r"\\", r"\'", r'\"', r"a\\b", "\\\n", "a\\\nb", "'a\\\nb'", '"a\\\nb"',
    r"'\'", r"'a\b'", r"'\\'", r'"\\"', r'"\""', r'"\a"', r'"\$x"', r"'\"'", r'"\'"',
    '"it\'s"', "'say \"hi\"'", '"a" "b" \'c\'', '"multi\nline"', "'tab\there'",
    "héllo wörld", "'日本語' 名前", "emoji 🎉 '🎉 x'", "\u00a0nbsp\u00a0", "a\x0bb", "a\x0cb",
    "#not a comment", "a #b", "a;b|c&d", "$HOME ${x} `id`", r"\`cmd\`", r'"\`x\`"',
    r"'\`y\`'", r"a\\`b", r'"a\\\`b"', r'"a\\`b"',
    '-d "%sharedPath%" --uuid=%taskUUID%',
    '"%SIPDirectory%objects/" "%fileUUID%" "%date%" "%taskUUID%"',
    '--file-path "/var/archivematica/sharedDirectory/currentlyProcessing/My \\"quoted\\" SIP/objects/a b.tif"',
    '"--fileUUID=abc" "--sipUUID=def" "--filePath=/tmp/x\'y"',
    "'unclosed", '"unclosed', "a 'b", 'a "b\\"', "trailing\\", '"esc at end\\', "'single\\",
    "a\\", '"\\', "x 'y' \"z",
]


def main():
    for s in INPUTS:
        try:
            record = {"input": s, "split": shlex.split(s), "parsed": parse_command_line(s)}
        except ValueError as e:
            record = {"input": s, "error": str(e)}
        print(json.dumps(record, ensure_ascii=False))


if __name__ == "__main__":
    main()
