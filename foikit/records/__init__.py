"""The register as records: statistics (`stats`), the board report (`report`), import and
export of spreadsheet registers (`importer`), and retention (`retention`).
"""
