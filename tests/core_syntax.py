"""List the string literals of the core (src/ipc/*.[ch]) that quote
command-line syntax: a "sysvctl ..." command or a --long-option.  The core
says what went wrong; src/cmd words the hint with our syntax.  Comments
are skipped; adjacent literals are joined first, as the compiler does.
Prints FILE:LINE: "LITERAL" for each, and exits 1 when there is any."""
import re
import sys
from pathlib import Path

TOKEN = re.compile(r'''
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<char>'(?:\\.|[^'\\\n])*')
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<other>[^\s"'/]+|/)
  | (?P<space>\s+)
''', re.S | re.X)
SYNTAX = re.compile(r'\bsysvctl\b|(?<![\w-])--[a-z]')


def literals(text):
    """Yield (line, joined literal) for each run of adjacent literals."""
    joined, line = None, 0
    for tok in TOKEN.finditer(text):
        kind = tok.lastgroup
        if kind in ('space', 'comment'):
            continue
        if kind == 'string':
            if joined is None:
                joined, line = '', text.count('\n', 0, tok.start()) + 1
            joined += tok.group()[1:-1]
            continue
        if joined is not None:
            yield line, joined
            joined = None
    if joined is not None:
        yield line, joined


def main(core):
    found = 0
    for path in sorted(Path(core).glob('*.[ch]')):
        for line, literal in literals(path.read_text()):
            if SYNTAX.search(literal):
                print(f'{path.name}:{line}: "{literal}"')
                found += 1
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
