/**
 * The "Create API Token" webview panel: a singleton that serves the static
 * page (html.ts) and connects the webview to `CreateTokenController`, which
 * handles the messages (src/shared/protocol.ts). Thin on purpose.
 *
 * Webview settings: scripts on, `retainContextWhenHidden: false` (the page is
 * rebuilt when shown again; the token value does not survive that),
 * `localResourceRoots` = media/ and dist/ only, strict CSP with a fresh nonce
 * per render (see html.ts).
 */
import * as vscode from 'vscode';
import { CreateTokenController, type CreateTokenDeps, type CreateTokenOptions } from './createTokenController';
import { newNonce, renderCreateTokenHtml } from './html';

export type { CreateTokenDeps, CreateTokenOptions } from './createTokenController';

/** The singleton "Create API Token" panel. */
export class CreateTokenPanel {
  /** The webview panel's view type. */
  static readonly viewType = 'telegrafController.createToken';
  /** The open panel, if any. */
  static current?: CreateTokenPanel;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly controller: CreateTokenController;
  private disposed = false;
  private readonly closeListeners: Array<() => void> = [];

  /**
   * Shows the panel, creating it if needed. With `options` on an open panel,
   * the form switches to the suggested preset and shows the reason; without,
   * it keeps its draft and drops an earlier suggestion's reason.
   */
  static createOrShow(extensionUri: vscode.Uri, deps: CreateTokenDeps, options?: CreateTokenOptions): CreateTokenPanel {
    const column = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.Active;
    const existing = CreateTokenPanel.current;
    if (existing) {
      existing.controller.setDeps(deps);
      existing.panel.reveal(column);
      existing.controller.showForm();
      // Without options (opened away from a Telegraf config) an earlier suggestion and its reason no longer apply.
      existing.controller.setOptions(options ?? {});
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(CreateTokenPanel.viewType, vscode.l10n.t('Create API Token'), column, {
      enableScripts: true,
      enableForms: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
    });
    CreateTokenPanel.current = new CreateTokenPanel(panel, extensionUri, deps, options);
    return CreateTokenPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    deps: CreateTokenDeps,
    options: CreateTokenOptions | undefined,
  ) {
    this.controller = new CreateTokenController(
      { l10nBundle: () => vscode.l10n.bundle, ...deps },
      {
        post: (message) => {
          void this.panel.webview.postMessage(message);
        },
        close: () => this.dispose(),
        visible: () => this.panel.visible,
      },
      options,
    );
    this.panel.webview.html = this.render();
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => {
        void this.controller.handle(m);
      }),
    );
  }

  /** The options the open form was last given (for tests: the suggested preset and its reason). */
  get options(): CreateTokenOptions {
    return this.controller.currentOptions;
  }

  /** Sends the session again (after sign-in/sign-out or a role change); the form keeps its draft. */
  refresh(): Promise<void> {
    return this.controller.refresh();
  }

  /** Calls `listener` once when the panel closes (at once when it is closed already). */
  onDidClose(listener: () => void): void {
    if (this.disposed) listener();
    else this.closeListeners.push(listener);
  }

  /** Closes the panel. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.closeListeners.splice(0)) l();
    if (CreateTokenPanel.current === this) CreateTokenPanel.current = undefined;
    this.controller.dispose();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  private render(): string {
    const webview = this.panel.webview;
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return renderCreateTokenHtml({
      title: vscode.l10n.t('Create API Token'),
      lang: vscode.env.language,
      cspSource: webview.cspSource,
      nonce: newNonce(),
      scriptUri: uri('dist', 'webview', 'createToken.js'),
      styleUri: uri('media', 'createToken.css'),
      codiconUri: uri('dist', 'codicons', 'codicon.css'),
    });
  }
}
