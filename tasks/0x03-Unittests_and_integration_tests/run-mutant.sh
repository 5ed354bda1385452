#!/bin/sh
# run-mutant.sh MODULE MUTANT SUITE: runs the learner's SUITE (a test file)
# in a scratch copy of the work directory where MUTANT replaces MODULE.py,
# and says whether the suite failed (the broken module is caught) or passed.
scratch=$(mktemp -d) || exit 3
# The copies keep the grader files' read-only mode: remove before replacing.
cp ./*.py "$scratch"/ && rm -f "$scratch/$1.py" && cp "$2" "$scratch/$1.py" &&
    cd "$scratch" || exit 3
if python3 -m unittest "$3" >/dev/null 2>&1; then
    echo "the suite passes: the broken $1.py is not caught"
else
    echo "the suite fails: the broken $1.py is caught"
fi
