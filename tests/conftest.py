"""Every test's fixtures, in modules by kind: the database and clients, factories, mail, documents, the
demo NMG."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.factories",
    "tests.fixtures.mail",
    "tests.fixtures.documents",
    "tests.fixtures.demo",
]
