"""The public disclosure log: built from the register with no personal data (`build`, checked
by `redact`), served by Datasette (`serve`, with the `plugin` hooks and the page `assets/`).
"""
