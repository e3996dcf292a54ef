"""The local web app (``torchdojo serve``): FastAPI over the bank, workspace, grader and store."""
