"""The law as data, defined once: regimes and their time limits, outcomes, exemptions and the
kinds of letter. Light on purpose (no third-party imports): the command line reads it at start-up.
"""
