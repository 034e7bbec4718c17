"""Reports: whatever a results directory holds, rendered as leaderboards, side-by-side tables, paper
claims with verdicts, a cross-benchmark ranking, figures, and the protocol and provenance behind the
numbers. Pure functions of the records; every interval and verdict comes from :mod:`.inference`."""
