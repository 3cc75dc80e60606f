"""The Textual face of focusplan: Today, Tasks, Energy (and Plan/Review when present).

Nothing outside this package imports it except the CLI's `run_app` call, and
this package reaches the data only through `focusplan.services`.
"""
