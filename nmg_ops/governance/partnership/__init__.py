"""The partnership view: many NMGs' self-assessments side by side (`view`, with the table its exports
write), and where they come from (`sources`: published addresses, which the scheduler fetches with
`fetching`, and uploaded files). See docs/decisions/0029-partnership-sources.md."""
