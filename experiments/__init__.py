"""Experiments on top of the model: sweeps, reports, sensitivity, benchmarks, validation."""
