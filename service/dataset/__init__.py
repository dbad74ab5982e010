"""The dataset: its description, the dump files, the reference tables and their CSVW metadata."""
