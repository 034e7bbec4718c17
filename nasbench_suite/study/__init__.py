"""The study: experiments planned into jobs (ranking and search), executed, recorded in one results
store, and rendered as one report."""
