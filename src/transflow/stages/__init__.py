"""Stages: extract, update, translate, check and build over a project, each taking its own typed settings.

`settings` owns the whole transflow.yml schema; the stages read and write the project's files and return
reports that the faces render.
"""
