/**
 * The extension side of the "Create API Token" form without any `vscode`
 * import: it answers the webview's messages (src/shared/protocol.ts) by
 * calling the injected dependencies, and posts replies through a function.
 * `CreateTokenPanel` wires it to a real webview; unit tests drive it directly.
 *
 * Rules it enforces:
 * - every inbound message is `safeParse`d; invalid ones are dropped and logged
 *   (message type and path only, never values);
 * - the create request is re-validated with the form's own schema
 *   (`parseCreateRequest`) and checked against the role (a token never exceeds
 *   its owner's role; Viewers cannot manage tokens: docs/api-contract.md "Roles",
 *   "Tokens") before the controller is called;
 * - one create at a time;
 * - the token value is posted exactly once (`created`) and never logged or kept;
 * - Copy / Insert act only on tokens created by this form.
 */
import type { CreateTokenRequest, Token, User } from '../../core/api/contract';
import { ControllerError } from '../../core/api/errors';
import { canManageTokens, deniedByRole, type PresetId } from '../../core/permissions';
import {
  ExtensionToWebviewSchema,
  parseCreateRequest,
  parseWebviewMessage,
  toCreatedToken,
  type CreatedToken,
  type ExtensionToWebview,
  type FormError,
  type FormOptions,
} from '../../shared/protocol';

/** What the form needs from the rest of the extension. */
export interface CreateTokenDeps {
  /** The signed-in user and a label of the connection; undefined when not signed in. */
  session(): Promise<{ user: User; connectionLabel: string } | undefined>;
  /** Creates the token on the controller, stores the value in SecretStorage, refreshes the tree, logs (no value). Throws ControllerError. */
  createToken(req: CreateTokenRequest): Promise<{ token: Token; value: string }>;
  /** Descriptions of the user's existing active tokens (duplicate warning). */
  existingDescriptions(): Promise<string[]>;
  /** Copies the stored value of a token to the clipboard (from SecretStorage; auto-clears). */
  copyValue(tokenId: string): Promise<void>;
  /** Starts "Insert Token into Config" for the token. */
  insertIntoConfig(tokenId: string): Promise<void>;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
  /**
   * Localizes a message sent to the form (`vscode.l10n.t` in the extension;
   * `{0}`-style placeholders). Optional: without it the English text is used,
   * placeholders filled in.
   */
  t?(message: string, ...args: Array<string | number>): string;
  /**
   * The strings bundle of VS Code's display language (`vscode.l10n.bundle`),
   * sent to the form in `init` so it words its own text; `undefined` in English.
   */
  l10nBundle?(): Record<string, string> | undefined;
}

/** How the form opens: a preset to pre-select and why (e.g. "telegraf.conf has [[outputs.heartbeat]]: heartbeat:write"). */
export interface CreateTokenOptions {
  preset?: PresetId;
  reason?: string;
  /** A description to start from, replacing an earlier draft's (at most 255 characters are sent). */
  description?: string;
}

/** Longest error text sent to the form. */
const MAX_MESSAGE = 1000;

/** Fills `{0}`, `{1}`, … of an English message (the fallback when no `t` is injected). */
function fill(message: string, args: ReadonlyArray<string | number>): string {
  return message.replace(/\{(\d+)\}/g, (whole, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : whole));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Converts panel options to the protocol's `FormOptions` (reason capped at 2000 chars). */
export function toFormOptions(o: CreateTokenOptions | undefined): FormOptions {
  const out: FormOptions = {};
  if (o?.preset) out.preset = o.preset;
  if (o?.reason) out.reason = o.reason.slice(0, 2000);
  if (o?.description !== undefined) out.description = o.description.slice(0, 255);
  return out;
}

/** Where the controller sends replies and what it calls to close the form. */
export interface CreateTokenHost {
  /** Posts a message to the webview (already validated against the protocol). */
  post(message: ExtensionToWebview): void;
  /** Closes the panel. */
  close(): void;
  /** True while the webview is visible (messages to a hidden webview are lost). */
  visible(): boolean;
}

/** The message handler of one "Create API Token" panel. */
export class CreateTokenController {
  private options: FormOptions;
  /** True until the webview has received the current options. */
  private optionsAreNew = true;
  /** `showForm` while hidden: sent after the next `init`. */
  private showFormAfterInit = false;
  private creating = false;
  private closed = false;
  private seq = 0;
  /** Ids of tokens created by this form: the only ones Copy/Insert act on. */
  private readonly createdIds = new Set<string>();
  /** A token created while the webview was hidden; announced (without value) by the next `init`. */
  private undelivered: CreatedToken | undefined;

  constructor(
    private deps: CreateTokenDeps,
    private readonly host: CreateTokenHost,
    options?: CreateTokenOptions,
  ) {
    this.options = toFormOptions(options);
  }

  /** A user-facing message, localized through `deps.t` when given. */
  private t(message: string, ...args: Array<string | number>): string {
    return this.deps.t ? this.deps.t(message, ...args) : fill(message, args);
  }

  /** Replaces the dependencies (the panel was shown again by another caller). */
  setDeps(deps: CreateTokenDeps): void {
    this.deps = deps;
  }

  /**
   * Create Token was run again on the open panel: the webview leaves a
   * "Token Created" screen for a new form (now when visible, else right after
   * its next `init`); a draft being filled in is kept.
   */
  showForm(): void {
    if (this.host.visible()) this.post({ type: 'showForm', requestId: this.nextId() });
    else this.showFormAfterInit = true;
  }

  /**
   * New options for an open form: posted now if the webview is visible,
   * otherwise sent with the next `init` (the webview reloads when shown).
   */
  setOptions(options: CreateTokenOptions): void {
    this.options = toFormOptions(options);
    this.optionsAreNew = true;
    if (this.host.visible()) {
      this.optionsAreNew = false;
      this.post({ type: 'applyOptions', requestId: this.nextId(), options: this.options });
    }
  }

  /** The options the form was last opened with (the preset it suggests and why). */
  get currentOptions(): FormOptions {
    return { ...this.options };
  }

  /** Sends the session again (after sign-in/out or a role change); the form keeps its draft. */
  async refresh(): Promise<void> {
    await this.sendInit(this.nextId());
  }

  /** Stops posting (the panel is gone). */
  dispose(): void {
    this.closed = true;
  }

  /** Handles one message from the webview. Never throws. */
  async handle(raw: unknown): Promise<void> {
    try {
      const parsed = parseWebviewMessage(raw);
      if (!parsed.ok) {
        this.deps.log.warn(`Create token form: dropped ${parsed.reason}`);
        return;
      }
      const msg = parsed.message;
      switch (msg.type) {
        case 'ready':
          await this.sendInit(msg.requestId);
          return;
        case 'create':
          await this.create(msg.requestId, msg.request);
          return;
        case 'copyValue':
          await this.tokenAction(msg.requestId, 'copyValue', msg.tokenId);
          return;
        case 'insertIntoConfig':
          await this.tokenAction(msg.requestId, 'insertIntoConfig', msg.tokenId);
          return;
        case 'close':
          this.host.close();
          return;
        case 'log':
          this.deps.log[msg.level](`Create token form (webview): ${msg.message}`);
          return;
        default: {
          const never: never = msg;
          this.deps.log.warn(`Create token form: unhandled message ${String((never as { type?: unknown }).type)}`);
        }
      }
    } catch (e) {
      this.deps.log.error(`Create token form: ${errorText(e)}`);
    }
  }

  private nextId(): string {
    this.seq += 1;
    return `x-${this.seq}`;
  }

  private post(message: ExtensionToWebview): void {
    if (this.closed) return;
    const checked = ExtensionToWebviewSchema.safeParse(message);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      this.deps.log.error(`Create token form: not sending an invalid "${message.type}" message (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`);
      return;
    }
    this.host.post(message);
  }

  private fail(requestId: string, error: FormError): void {
    this.post({ type: 'createFailed', requestId, error: error.message === undefined ? error : { ...error, message: error.message.slice(0, MAX_MESSAGE) } });
  }

  private async sendInit(requestId: string): Promise<void> {
    let session: Awaited<ReturnType<CreateTokenDeps['session']>>;
    try {
      session = await this.deps.session();
    } catch (e) {
      this.deps.log.warn(`Create token form: could not read the session: ${errorText(e)}`);
      session = undefined;
    }
    let existing: string[] = [];
    if (session && canManageTokens(session.user.role)) {
      try {
        existing = await this.deps.existingDescriptions();
      } catch (e) {
        this.deps.log.warn(`Create token form: could not list existing tokens (no duplicate warning): ${errorText(e)}`);
      }
    }
    const optionsAreNew = this.optionsAreNew;
    this.optionsAreNew = false;
    const init: ExtensionToWebview = {
      type: 'init',
      requestId,
      session: session ? { username: session.user.username, role: session.user.role, connectionLabel: session.connectionLabel } : null,
      existingDescriptions: existing,
      options: this.options,
      optionsAreNew,
    };
    const bundle = this.deps.l10nBundle?.();
    if (bundle && Object.keys(bundle).length > 0) init.l10n = bundle;
    if (this.undelivered && session) init.created = this.undelivered;
    this.undelivered = undefined;
    this.post(init);
    if (this.showFormAfterInit) {
      this.showFormAfterInit = false;
      this.post({ type: 'showForm', requestId: this.nextId() });
    }
  }

  private async create(requestId: string, rawRequest: Record<string, unknown>): Promise<void> {
    if (this.creating) {
      this.fail(requestId, { kind: 'busy' });
      return;
    }
    this.creating = true;
    try {
      const session = await this.deps.session();
      if (!session) {
        this.fail(requestId, { kind: 'not-signed-in' });
        return;
      }
      if (!canManageTokens(session.user.role)) {
        this.fail(requestId, { kind: 'forbidden-role' });
        return;
      }
      const checked = parseCreateRequest(rawRequest);
      if (!checked.ok) {
        this.deps.log.warn(`Create token form: request rejected before sending (${Object.keys(checked.fieldErrors).join(', ')})`);
        const fieldErrors: Record<string, string> = {};
        for (const [k, v] of Object.entries(checked.fieldErrors)) if (v !== undefined) fieldErrors[k] = v;
        this.fail(requestId, { kind: 'invalid-request', fieldErrors });
        return;
      }
      const denied = deniedByRole(checked.request.permissions ?? {}, session.user.role);
      if (denied.length) {
        this.deps.log.warn(`Create token form: request asks for more than the role allows (${denied.join(', ')})`);
        this.fail(requestId, { kind: 'role-denied', args: denied });
        return;
      }
      let result: { token: Token; value: string };
      try {
        result = await this.deps.createToken(checked.request);
      } catch (e) {
        if (e instanceof ControllerError) {
          this.deps.log.warn(`Create token failed: ${e.message}`);
          // Code and data; the form words them (the log above has the English sentence). An error
          // wrapping another (`cause`) was worded by the extension after a follow-up check, e.g.
          // what a create of unknown outcome left on the controller (./unknownOutcome.ts), already
          // in the display language: its sentence goes along.
          const error: FormError = { kind: e.kind, args: [e.status !== undefined ? String(e.status) : '', e.serverMessage ?? ''] };
          if (e.cause instanceof ControllerError) error.message = e.userMessage;
          if (e.fieldErrors) error.fieldErrors = e.fieldErrors;
          this.fail(requestId, error);
        } else {
          this.deps.log.error(`Create token failed unexpectedly: ${errorText(e)}`);
          this.fail(requestId, { kind: 'unexpected' });
        }
        return;
      }
      this.createdIds.add(result.token.id);
      if (this.closed) {
        this.deps.log.info(`Token ${result.token.id} was created after the form closed; its value is in Secret Storage.`);
        return;
      }
      const summary = toCreatedToken(result.token);
      if (!this.host.visible()) {
        // A hidden webview is torn down (retainContextWhenHidden: false): the message would be lost.
        // The value stays in Secret Storage; the next init shows the token without it.
        this.undelivered = summary;
        return;
      }
      // The one and only time the value leaves the extension host.
      this.post({ type: 'created', requestId, token: summary, value: result.value });
    } finally {
      this.creating = false;
    }
  }

  private async tokenAction(requestId: string, action: 'copyValue' | 'insertIntoConfig', tokenId: string): Promise<void> {
    if (!this.createdIds.has(tokenId)) {
      this.deps.log.warn(`Create token form: ${action} refused for a token this form did not create`);
      this.post({ type: 'actionResult', requestId, action, ok: false, code: 'not-this-token' });
      return;
    }
    try {
      if (action === 'copyValue') {
        await this.deps.copyValue(tokenId);
        this.post({ type: 'actionResult', requestId, action, ok: true, code: 'copied' });
      } else {
        await this.deps.insertIntoConfig(tokenId);
        this.post({ type: 'actionResult', requestId, action, ok: true });
      }
    } catch (e) {
      const message = e instanceof ControllerError ? e.userMessage : errorText(e);
      this.deps.log.warn(`Create token form: ${action} failed: ${message}`);
      // A controller error travels as its code (the form words it); anything else as the sentence it carries.
      if (e instanceof ControllerError) this.post({ type: 'actionResult', requestId, action, ok: false, code: e.kind });
      else this.post({ type: 'actionResult', requestId, action, ok: false, message: message.slice(0, MAX_MESSAGE) });
    }
  }
}

/** What {@link watchSession} reads of a connection (structurally a `ControllerConnection`). */
export interface WatchedConnection {
  onDidChange(listener: () => void): { dispose(): void };
  readonly current: { state: string; url?: string; user?: { id: string; username: string; role: string } };
  readonly name: string;
}

/**
 * Re-sends the session to the open Create Token form (`panel()`, undefined
 * when none is open) whenever the connection's state, URL, user, role or name
 * changes: sign-in, sign-out, another user, another active connection.
 * Events that change none of these are ignored. Returns the subscription;
 * dispose it with the extension. Refresh failures are logged (warn).
 */
export function watchSession(
  connection: WatchedConnection,
  panel: () => { refresh(): Promise<void> } | undefined,
  log: { warn(m: string): void },
): { dispose(): void } {
  const identity = () => {
    const c = connection.current;
    return JSON.stringify([c.state, c.url ?? '', c.user?.id ?? '', c.user?.username ?? '', c.user?.role ?? '', connection.name]);
  };
  let last = identity();
  return connection.onDidChange(() => {
    const now = identity();
    if (now === last) return;
    last = now;
    const open = panel();
    if (open) open.refresh().catch((e: unknown) => log.warn(`Create token form: could not refresh the session: ${errorText(e)}`));
  });
}
