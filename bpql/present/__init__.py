"""Answers on a terminal: tables, JSON and CSV per result kind (`terminal`), and the redesign
diff's text (`diff`). The views (pages and drawings) are `bpql.viz`."""
