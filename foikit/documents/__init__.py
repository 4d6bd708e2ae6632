"""Documents released with a response: attached to a request, redacted for real, published.

- `phrases.py`: what to redact in a request's documents (the officer's phrases, the
  requester's details, the request's own redaction phrases);
- `pdf.py`: true PDF redaction with PyMuPDF, metadata stripped, the result verified;
- `office.py`: DOCX, XLSX and CSV redaction, properties and comments cleared, verified;
- `store.py`: the private folder beside the register, the `documents` table (through `Tx`);
- `public.py`: the copies `foikit publish` puts beside the disclosure log, and the files that
  retention deletes and a backup takes.
"""
