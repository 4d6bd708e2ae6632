"""Casework: a request from receipt to response, its internal review and any ICO complaint.

`lifecycle` is the write side (log, answer, clock events, close), `casefile` the read side,
`common` what they share (dates, finding a request, version bumps, the memoised calendar),
`reviews` internal review, `ico` complaints to the ICO, `requesters` the requester's details.
"""
