/**
 * Messages between the "Create API Token" webview and the extension, as zod
 * schemas. Both sides `safeParse` EVERY inbound message with these schemas and
 * drop (and log) what does not parse; every message is tagged by `type` and
 * carries a `requestId` (replies echo the id of the request they answer).
 *
 * The create request is validated twice with the same schema
 * (`CreateRequestSchema`): in the webview before sending, and in the extension
 * before calling the controller (docs/api-contract.md rules: description 1–255
 * chars after trimming, `expiresAt` in the future or null, known
 * resources/actions only; plus this extension's rule: at least one permission).
 *
 * A token VALUE travels in exactly one message, `created`, and nowhere else;
 * no schema that is persisted (webview state) has a field for it.
 *
 * No `vscode` import, no DOM: used by the extension host and the webview bundle.
 */
import * as z from 'zod';
import { CreateTokenRequestSchema, PermissionsRequestSchema, type CreateTokenRequest } from '../core/api/contract';
import { PRESET_IDS, ROLES, permissionMapIssues, type Action, type Permissions, type PresetId, type Role } from '../core/permissions';

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

/** Longest string accepted for server text in a message (descriptions, usernames, labels). */
const MAX_TEXT = 2000;

/** Correlation id of a request; replies echo it. 1–100 chars. */
export const RequestIdSchema = z.string().min(1).max(100);

/** A preset id of the create form (see `PRESETS` in `core/permissions`). */
export const PresetIdSchema = z.enum(PRESET_IDS) satisfies z.ZodType<PresetId>;

/** A controller role (docs/api-contract.md "Roles"). */
export const RoleIdSchema = z.enum(ROLES as unknown as [Role, ...Role[]]);

/** An action of the permission grid. */
export const ActionSchema = z.enum(['read', 'write', 'delete']) satisfies z.ZodType<Action>;

/**
 * A permission set inside a message: known resources only, each with actions
 * that exist for it (docs/api-contract.md "Permission grid"), no duplicates.
 */
export const MessagePermissionsSchema = z
  .record(z.string(), z.array(ActionSchema).max(3))
  .superRefine((raw, ctx) => {
    for (const issue of permissionMapIssues(raw)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  })
  .transform((raw) => raw as Permissions);

/**
 * Options the form was opened with (e.g. from a Telegraf config file):
 * a preset to pre-select and a sentence saying why.
 */
export const FormOptionsSchema = z.strictObject({
  preset: PresetIdSchema.optional(),
  reason: z.string().max(MAX_TEXT).optional(),
  /** A description to start from (replacing an earlier draft's), e.g. the deployment file the token is for. */
  description: z.string().max(255).optional(),
});

/** Options the form was opened with. */
export type FormOptions = z.infer<typeof FormOptionsSchema>;

/**
 * What the webview knows about the signed-in user and the connection.
 * `connectionLabel` and `username` are server/user text: render as text only.
 */
export const SessionInfoSchema = z.strictObject({
  username: z.string().max(MAX_TEXT),
  role: RoleIdSchema,
  connectionLabel: z.string().max(MAX_TEXT),
});

/** The signed-in user and connection, as sent to the webview. */
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/**
 * A created token as the webview may show and persist it: NO value, only the
 * record fields (docs/api-contract.md `Token`). Times are UTC ISO strings.
 */
export const CreatedTokenSchema = z.strictObject({
  id: z.string().min(1).max(MAX_TEXT),
  description: z.string().max(MAX_TEXT),
  /** First 12 characters of the value (docs/api-contract.md `Token.prefix`); not a secret. */
  prefix: z.string().max(64),
  /** Effective permissions (requested ∩ role) as the controller returned them. */
  permissions: MessagePermissionsSchema,
  createdAt: z.string().max(64),
  expiresAt: z.string().max(64).nullable(),
});

/** A created token without its value. */
export type CreatedToken = z.infer<typeof CreatedTokenSchema>;

/** Keeps only the fields of a controller `Token` the webview needs (never the value). */
export function toCreatedToken(t: {
  id: string;
  description: string;
  prefix: string;
  permissions: Permissions;
  createdAt: string;
  expiresAt: string | null;
}): CreatedToken {
  return {
    id: t.id,
    description: t.description,
    prefix: t.prefix,
    permissions: t.permissions,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
  };
}

// ---------------------------------------------------------------------------
// The create request (validated on both sides with this one schema)
// ---------------------------------------------------------------------------

/** Field of the create form an error belongs to. */
export type CreateField = 'description' | 'expiresAt' | 'permissions';

/**
 * The create request as the form sends it: `CreateTokenRequestSchema` of the
 * contract (description trimmed, 1–255 chars; `expiresAt` RFC 3339 or null;
 * known resources/actions), made strict, with `permissions` required and
 * non-empty, and `expiresAt` later than `now()` (ms since the epoch) at
 * validation time. The output description is trimmed.
 */
export function createRequestSchema(now: () => number = Date.now) {
  return z
    .strictObject({
      description: CreateTokenRequestSchema.shape.description,
      expiresAt: CreateTokenRequestSchema.shape.expiresAt,
      permissions: PermissionsRequestSchema,
      preset: PresetIdSchema.optional(),
    })
    .superRefine((r, ctx) => {
      const granted = Object.values(r.permissions).reduce((n, acts) => n + (acts?.length ?? 0), 0);
      if (granted === 0) ctx.addIssue({ code: 'custom', path: ['permissions'], message: 'Select at least one permission.' });
      if (r.expiresAt !== null && Date.parse(r.expiresAt) <= now()) {
        ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'The expiration must be in the future.' });
      }
    });
}

/** The create request schema checked against the real clock (used by the webview and, again, the extension). */
export const CreateRequestSchema = createRequestSchema();

/**
 * Validates a create request with `CreateRequestSchema` (or, given `nowMs`,
 * against that instant). On success returns the request to send to the
 * controller (`CreateTokenRequest` of the contract, description trimmed); on
 * failure the first message per form field (`description`, `expiresAt`,
 * `permissions`; anything else under `form`). Never throws.
 */
export function parseCreateRequest(
  raw: unknown,
  nowMs?: number,
): { ok: true; request: CreateTokenRequest } | { ok: false; fieldErrors: Partial<Record<CreateField | 'form', string>> } {
  const schema = nowMs === undefined ? CreateRequestSchema : createRequestSchema(() => nowMs);
  const r = schema.safeParse(raw);
  if (r.success) {
    const request: CreateTokenRequest = {
      description: r.data.description,
      expiresAt: r.data.expiresAt,
      permissions: r.data.permissions,
    };
    if (r.data.preset !== undefined) request.preset = r.data.preset;
    return { ok: true, request };
  }
  const fieldErrors: Partial<Record<CreateField | 'form', string>> = {};
  for (const issue of r.error.issues) {
    const head = issue.path[0];
    const field: CreateField | 'form' = head === 'description' || head === 'expiresAt' || head === 'permissions' ? head : 'form';
    if (fieldErrors[field] === undefined) {
      fieldErrors[field] = field === 'form' ? `Invalid request: ${issue.message}` : issue.message;
    }
  }
  return { ok: false, fieldErrors };
}

// ---------------------------------------------------------------------------
// Webview -> extension
// ---------------------------------------------------------------------------

/** The webview has loaded and asks for its data (`init` answers with the same `requestId`). */
export const ReadyMessageSchema = z.strictObject({ type: z.literal('ready'), requestId: RequestIdSchema });

/**
 * Create a token. `request` is checked here only as an object; the extension
 * validates it with `parseCreateRequest` and answers `createFailed` with field
 * errors when it does not pass (so a form never waits for an answer).
 */
export const CreateMessageSchema = z.strictObject({
  type: z.literal('create'),
  requestId: RequestIdSchema,
  request: z.record(z.string(), z.unknown()),
});

/** Copy the stored value of a token to the clipboard (the extension reads SecretStorage). */
export const CopyValueMessageSchema = z.strictObject({
  type: z.literal('copyValue'),
  requestId: RequestIdSchema,
  tokenId: z.string().min(1).max(MAX_TEXT),
});

/** Start "Insert Token into Config" for a token. */
export const InsertIntoConfigMessageSchema = z.strictObject({
  type: z.literal('insertIntoConfig'),
  requestId: RequestIdSchema,
  tokenId: z.string().min(1).max(MAX_TEXT),
});

/** Close the panel. */
export const CloseMessageSchema = z.strictObject({ type: z.literal('close'), requestId: RequestIdSchema });

/**
 * A problem the webview noticed (e.g. a message from the extension it dropped),
 * for the extension's log. `message` never contains message values.
 */
export const LogMessageSchema = z.strictObject({
  type: z.literal('log'),
  requestId: RequestIdSchema,
  level: z.enum(['warn', 'error']),
  message: z.string().max(500),
});

/** Every message the webview sends. */
export const WebviewToExtensionSchema = z.discriminatedUnion('type', [
  ReadyMessageSchema,
  CreateMessageSchema,
  CopyValueMessageSchema,
  InsertIntoConfigMessageSchema,
  CloseMessageSchema,
  LogMessageSchema,
]);

/** A message from the webview to the extension. */
export type WebviewToExtension = z.infer<typeof WebviewToExtensionSchema>;

// ---------------------------------------------------------------------------
// Extension -> webview
// ---------------------------------------------------------------------------

/**
 * Answer to `ready` (or sent by the extension when the session changed): the
 * session (null when not signed in), the descriptions of the user's active
 * tokens (duplicate warning) and the options the form was opened with.
 * `optionsAreNew` is true when this webview has not applied `options` yet
 * (first load, or the panel was shown again with other options): the form
 * then applies them instead of restoring its saved draft.
 */
export const InitMessageSchema = z.strictObject({
  type: z.literal('init'),
  requestId: RequestIdSchema,
  session: SessionInfoSchema.nullable(),
  existingDescriptions: z.array(z.string().max(MAX_TEXT)).max(100_000),
  options: FormOptionsSchema,
  optionsAreNew: z.boolean(),
  /**
   * The strings bundle of VS Code's display language (`vscode.l10n.bundle`:
   * English text → translation), for the form's own words; absent in English.
   */
  l10n: z.record(z.string().max(MAX_TEXT), z.string().max(MAX_TEXT)).optional(),
  /**
   * A token created while the webview was hidden (its `created` message was
   * lost): shown on the "created" screen WITHOUT its value.
   */
  created: CreatedTokenSchema.optional(),
});

/**
 * Answer to `create` on success. `value` is the token value, sent this ONE
 * time so the webview can show it; it must never be persisted by the webview.
 */
export const CreatedMessageSchema = z.strictObject({
  type: z.literal('created'),
  requestId: RequestIdSchema,
  token: CreatedTokenSchema,
  value: z.string().min(1).max(MAX_TEXT),
});

/**
 * Error details for the form, as a code and data: the webview words `kind`
 * (src/webview/createToken/words.ts `errorWords`) in the display language.
 * `message` is only for a kind the webview may have no words for (already
 * localized by the extension); server text travels as data (`args`,
 * `fieldErrors`) and is shown as text.
 */
export const FormErrorSchema = z.strictObject({
  /** A sentence, when the webview has no words for `kind`. */
  message: z.string().max(MAX_TEXT).optional(),
  /**
   * `ControllerError.kind`, `invalid-request` (failed re-validation), `role-denied` (`args`: the
   * `resource:action` pairs the role cannot grant), `busy`, `not-signed-in`, `forbidden-role` or `unexpected`.
   */
  kind: z.string().max(100),
  /** Data for the words of `kind`: for a controller error, the HTTP status and the server's own message. */
  args: z.array(z.string().max(MAX_TEXT)).max(20).optional(),
  /** Field (server dot path, e.g. `description`, `permissions.configs`) → message. */
  fieldErrors: z.record(z.string().max(200), z.string().max(MAX_TEXT)).optional(),
});

/** Error details for the form. */
export type FormError = z.infer<typeof FormErrorSchema>;

/** Answer to `create` on failure. */
export const CreateFailedMessageSchema = z.strictObject({
  type: z.literal('createFailed'),
  requestId: RequestIdSchema,
  error: FormErrorSchema,
});

/**
 * Answer to `copyValue` / `insertIntoConfig`. `code` says what happened
 * (`copied`, `not-this-token`, or a `ControllerError.kind`); the webview words
 * it. `message` is a sentence for a code it may have no words for.
 */
export const ActionResultMessageSchema = z.strictObject({
  type: z.literal('actionResult'),
  requestId: RequestIdSchema,
  action: z.enum(['copyValue', 'insertIntoConfig']),
  ok: z.boolean(),
  code: z.string().max(100).optional(),
  message: z.string().max(MAX_TEXT).optional(),
});

/** The panel was shown again with new options (e.g. from another config file). */
export const ApplyOptionsMessageSchema = z.strictObject({
  type: z.literal('applyOptions'),
  requestId: RequestIdSchema,
  options: FormOptionsSchema,
});

/** Create Token was run again while the panel is open: leave the "Token Created" screen for a new form (a draft in progress stays). */
export const ShowFormMessageSchema = z.strictObject({
  type: z.literal('showForm'),
  requestId: RequestIdSchema,
});

/** Every message the extension sends. */
export const ExtensionToWebviewSchema = z.discriminatedUnion('type', [
  InitMessageSchema,
  CreatedMessageSchema,
  CreateFailedMessageSchema,
  ActionResultMessageSchema,
  ApplyOptionsMessageSchema,
  ShowFormMessageSchema,
]);

/** A message from the extension to the webview. */
export type ExtensionToWebview = z.infer<typeof ExtensionToWebviewSchema>;

// ---------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------

/** Result of parsing an inbound message: the typed message, or a short reason (no message content). */
export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

function describeFailure(raw: unknown, error: z.ZodError): string {
  const type =
    raw !== null && typeof raw === 'object' && typeof (raw as { type?: unknown }).type === 'string'
      ? String((raw as { type: string }).type).slice(0, 40)
      : typeof raw;
  const first = error.issues[0];
  const where = first ? first.path.map(String).join('.') || '(root)' : '(root)';
  // Only the message type, the path and zod's message: never the values (a value could be a secret).
  return `invalid message "${type}": ${where}: ${first?.message ?? 'invalid'}`;
}

/** Parses a message received from the webview. Never throws. */
export function parseWebviewMessage(raw: unknown): ParseResult<WebviewToExtension> {
  const r = WebviewToExtensionSchema.safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, reason: describeFailure(raw, r.error) };
}

/** Parses a message received from the extension. Never throws. */
export function parseExtensionMessage(raw: unknown): ParseResult<ExtensionToWebview> {
  const r = ExtensionToWebviewSchema.safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, reason: describeFailure(raw, r.error) };
}

/** Field of the form a server field error (dot path such as `permissions.configs`) belongs to, or `form`. */
export function formFieldOf(serverKey: string): CreateField | 'form' {
  const head = serverKey.split(/[.[]/)[0];
  if (head === 'description') return 'description';
  if (head === 'expiresAt' || head === 'expires_at' || head === 'expiration') return 'expiresAt';
  if (head === 'permissions' || head === 'preset') return 'permissions';
  return 'form';
}
