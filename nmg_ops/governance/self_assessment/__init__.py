"""The NMG's self-assessment against the B1MG measures (D6.7, §4.1.4–4.1.6 and §6.3), one year at a time.

Each measure carries the NMG's answer, the B1MG recommendation beside it, and a traffic light decided by the
rule written next to it (docs/decisions/0019-self-assessment.md). What the data knows is read from the data
as it stood at the end of the year (today, for the current year); what it cannot know (organisational
model, nomination process, funding) the coordinator answers, once per year.

The statements run do not depend on how many members, meetings or issues there are: every read is an
aggregate, and the years of a trend are read together where the question allows (meetings, attendance,
e-news, terms of reference, terms, answers); the composition is read once per year.

The measures and the coordinator's questions are defined in `definitions`; `facts` reads the data for
the years asked, `rules` turns it into each year's measures, `answers` records the coordinator's answers,
and `trend` is what the pages and the annual report call. `document` writes a year as the open format's
JSON document (docs/schema/nmg-self-assessment-1.json), `publishing` keeps the years the coordinator
publishes, and `importing` reads earlier years' answers from such documents.
"""
