"""Synthetic core-banking extracts with ground truth: see run.generate."""
