"""The Textual face of focusplan: Today, Tasks, Plan, Energy and Review.

Nothing outside this package imports it except the CLI's `run_app` call, and
this package reaches the data only through `focusplan.services`.
"""
