"""Renderers: assessments as text (explanations, tables) and as data (JSON, JSONL)."""
