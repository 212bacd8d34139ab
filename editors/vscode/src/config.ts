// What the client sends the server, kept apart from the VS Code API so that it can be read
// outside an editor: tests/test_lsp_editors.py runs `bpql lsp` with exactly this (the command,
// the documents it opens and their language ids) and sends the messages the client sends.

/** The languages and files the client hands to the server. */
export const documentSelector = [
  { scheme: "file", language: "yaml", pattern: "**/*.{yaml,yml}" },
  { scheme: "file", language: "bpql" },
];

/** The files whose changes on disk the server is told of. */
export const watched = "**/*.{yaml,yml,bpql,toml}";

/** The server's command, from the setting `bpql.server.command` (default `bpql lsp`). */
export function serverCommand(setting: string[] | undefined): { command: string; args: string[] } {
  const parts = setting && setting.length > 0 ? setting : ["bpql", "lsp"];
  return { command: parts[0], args: parts.slice(1) };
}

/** Everything above as one JSON-able object, for the test. */
export function clientConfig(setting?: string[]): object {
  return { documentSelector, watched, server: serverCommand(setting) };
}
