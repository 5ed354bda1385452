#!/bin/sh
# run-mutant.sh MODULE MUTANT SUITE: runs the learner's SUITE (a test file)
# in a scratch copy of the work directory where MUTANT replaces MODULE.py.
# Exits as the suite does: 0 when every test passed, non-zero when a test
# failed, which is what a mutant must cause.
scratch=$(mktemp -d) || exit 3
# The copies keep the grader files' read-only mode: remove before replacing.
cp ./*.py "$scratch"/ && rm -f "$scratch/$1.py" && cp "$2" "$scratch/$1.py" &&
    cd "$scratch" || exit 3
exec python3 -m unittest "$3"
