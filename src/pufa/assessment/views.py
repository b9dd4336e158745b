"""Pages of the assessment app."""
