"""The application layer: one function per user action, shared by the CLI and the app.

Each action is one unit of work against the store and speaks only in domain
models. Nothing here imports click or Textual.
"""
