"""Explanation: the `Assessment` of one village, its result models, records and texts, and the
guidance of what a village still needs. A consumer of evaluation, never a part of it."""
