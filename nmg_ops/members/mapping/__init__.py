"""The B1MG expert mapping file (survey section 4.1.6): planning and applying an import, and the export.

Importing is two steps so that nobody writes to the member list blind: `planning.plan_import` reads the file
and works out, without writing, what every row would do; `applying.apply_import` writes a plan in one
transaction. The web preview and the command line's dry run show the plan; both apply the same rules.
`columns` names the file's columns and values, `reading` reads the file as CSV, `plan` is what an import
would do, and `export` writes the current members as a mapping file.
"""
