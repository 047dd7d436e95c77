"""Server-rendered pages: the learner-facing LMS pages and the Studio city console."""
