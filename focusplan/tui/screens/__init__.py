"""The app's screens, one module each; `registry.py` lists the top-level ones.

Adding a top-level screen is one `ScreenEntry` in `registry.REGISTRY` (Plan on
key 3 and Review on key 5 are declared already and appear as soon as
`plan.py` / `review.py` define `PlanScreen` / `ReviewScreen`, subclasses of
`base.MainScreen`).
"""
