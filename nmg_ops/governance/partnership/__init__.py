"""The partnership view: many NMGs' self-assessments side by side (`view`), where they come from (`sources`:
published addresses the scheduler fetches with `fetching`, and uploaded files), and the exports (`exports`).
See docs/decisions/0029-partnership-sources.md."""
