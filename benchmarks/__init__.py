"""Side-by-side benchmarks against peer libraries, printing ratios (``python -m benchmarks``)."""
