"""The partnership view: many NMGs' self-assessments side by side (`view`, with the table its exports
write, kept between requests until what it is made of changes by `kept`), and where they come from
(`sources`: published addresses, which the scheduler fetches with `fetching`, and uploaded files). See
docs/decisions/0029-partnership-sources.md."""
