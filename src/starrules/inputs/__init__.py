"""Population input: village files (JSON, JSONL, CSV, xlsx, Parquet) read into `Village`s with
every bad row reported by place."""
