"""The method's analyses, over an in-memory graph (`graph.Index`) built from `GraphData`:
read from validated files or from a store by a plan's read statements, so each analysis runs
the same on files with no store as inside a query. Each is written once: the systems that
fail with a system (`systems`), the steps a set of steps supports and the nearest route to
each (`supports`), handoffs between departments (`handoffs`), what a failure can break
(`criticality`), and the department x service matrix of an impact (`matrix`)."""
