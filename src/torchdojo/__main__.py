"""``python -m torchdojo``: the same CLI as the ``torchdojo`` script."""

from torchdojo.cli import main

main()
