"""Health-article publishing pipeline: one manuscript, three formats that agree."""
