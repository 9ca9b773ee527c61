"""``python -m local.sam_runner``: what `make run-sam` runs."""

from local.sam_runner.main import main

main()
