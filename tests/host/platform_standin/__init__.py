"""
A stand-in for the few edx-platform parts the plugin reaches through ``compat.py``.

Installed only in the test host and the demo: it keeps courses, enrollments, grades, certificates and course
staff in small tables, and ``backend.StandinBackend`` answers the plugin's questions from them.
"""
