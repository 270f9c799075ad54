"""What the CLI does, on top of Dagster's own APIs: the same assets, never a second code path."""
