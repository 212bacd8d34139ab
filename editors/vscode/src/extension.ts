// The VS Code side of BPQL: starts `bpql lsp` over stdio and hands it blueprint files and
// .bpql queries. Everything else (diagnostics, completion, hover, definition, references,
// rename, quick fixes) is the server's.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { documentSelector, serverCommand, watched } from "./config";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const setting = vscode.workspace.getConfiguration("bpql").get<string[]>("server.command");
  const { command, args } = serverCommand(setting);
  const serverOptions: ServerOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher(watched) },
  };
  client = new LanguageClient("bpql", "BPQL", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
