"""publish verify: read every built file back and prove it says what the manuscript says."""
