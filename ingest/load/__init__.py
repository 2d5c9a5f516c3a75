"""The load stage: batches prepared and written, duplicates linked, labels reviewed."""
