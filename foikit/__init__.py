"""foikit: Freedom of Information casework for a UK public authority."""

__version__ = "0.1.0"
