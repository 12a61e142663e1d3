"""Faces: what people and CI see — the command line, text/JSON/JUnit/GitHub output, the HTML report, review.

They render what the stages return and hold no logic of their own.
"""
