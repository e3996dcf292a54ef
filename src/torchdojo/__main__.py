"""``python -m torchdojo``: the same CLI as the ``torchdojo`` script."""

from torchdojo.entry import main

main()
