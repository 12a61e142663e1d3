"""Domain: the rules of the trade — merging catalogs, entry states, term matching, protection, checks, language data.

Works on the plain objects the formats layer reads; knows no files, no settings file and no command line.
"""
