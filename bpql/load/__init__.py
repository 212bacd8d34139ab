"""Graph data to a store: the load contract and the incremental protocol (`protocol`), and
what a load adds, changes and removes against what the store holds (`diff`)."""
