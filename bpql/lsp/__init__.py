"""`bpql lsp`: a language server for blueprint files and `.bpql` queries (pygls, optional:
`pip install 'bpql[lsp]'`). `workspace` holds the model with no protocol in it; `server`
speaks LSP over standard input and output."""
