"""The query compiler and its runner, in the order a query passes through them: text to a
typed AST (`parser`, `ast`), names checked and typed into IR (`resolve`, `ir`, with the
language's tables in `language` and its patterns in `paths`), one module per statement that
makes its plan and shapes its answer (`statements/`), Cypher per dialect (`render/`), the plan
(`plan`), and `engine`, which runs a plan on a store and hands the rows to the shaper."""
