"""The app's screens, one module each; `registry.py` lists the top-level ones.

Adding a top-level screen is one `ScreenEntry` in `registry.SCREENS` and a
subclass of `base.MainScreen`; its `BINDINGS` are its keys, in the footer, the
help and the command palette alike.
"""
