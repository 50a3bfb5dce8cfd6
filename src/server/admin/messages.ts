/**
 * Secure messages for the admin: every sender's, newest first, a page at a time (`GET /admin/messages`), and the
 * audit log, revocation and expiry of any of them through the very handlers the senders use
 * (`escrow/sender-routes.ts`, reaching any message: `ANY_MESSAGE`). Registered on the escrow area's context.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MessageSummary } from '../../core/escrow/wire';
import { jsonSchema } from '../api/schema';
import type { EscrowContext } from '../escrow/context';
import { ANY_MESSAGE, managingRoutes, summary } from '../escrow/sender-routes';
import type { MessagePosition, MessageRecord } from '../escrow/store';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

/**
 * A page's `next`: the position of its last message, `<created at, ms>.<id>`, so the next page starts right after
 * it even when other messages were made in the same millisecond. Checked whole by this pattern (no backtracking).
 */
const CURSOR = /^[0-9]{1,16}\.[A-Za-z0-9_-]{1,64}$/;

const cursorOf = ({ createdAt, id }: MessagePosition): string => `${createdAt}.${id}`;

function positionOf(cursor: string): MessagePosition {
  const dot = cursor.indexOf('.');
  return { createdAt: Number(cursor.slice(0, dot)), id: cursor.slice(dot + 1) };
}

const MessagesQuery = z.strictObject({
  /** Messages on the page, 1 to 500 (100 when absent). A pattern: the query is checked as JSON Schema, not by zod. */
  limit: z
    .string()
    .regex(/^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)$/, `a number of messages from 1 to ${MAX_PAGE}`)
    .optional(),
  /** Where the page starts: the `next` of the page before (opaque to callers). */
  before: z.string().regex(CURSOR, 'the next of the page before').optional(),
});
type MessagesQuery = z.infer<typeof MessagesQuery>;

const AdminMessage = MessageSummary.extend({
  /** Whose message it is, as its recipients are told: `Name <address>`, the address, or the name. */
  owner: z.string(),
});
const AdminMessageList = z.object({
  messages: z.array(AdminMessage),
  /** Present when the page is full: where the next page, of older messages, starts (its `before`). */
  next: z.string().optional(),
});
type AdminMessageList = z.infer<typeof AdminMessageList>;

/** The sender as the message names them; display names cannot hold `<`, `>` or `@` (auth/display-name.ts). */
function ownerOf(message: MessageRecord): string {
  const { senderName: name, senderAddress: address } = message;
  if (address === '') return name === '' ? message.owner : name;
  return name === '' ? address : `${name} <${address}>`;
}

export function adminMessageRoutes(app: FastifyInstance, ctx: EscrowContext): void {
  app.get<{ Querystring: MessagesQuery }>(
    ANY_MESSAGE.base,
    {
      config: ANY_MESSAGE.config,
      schema: {
        tags: ANY_MESSAGE.tags,
        querystring: jsonSchema(MessagesQuery),
        response: { 200: jsonSchema(AdminMessageList, 'output') },
      },
    },
    async (request): Promise<AdminMessageList> => {
      const { limit, before } = request.query;
      const size = limit === undefined ? DEFAULT_PAGE : Number(limit);
      const page = await ctx.store.listAllMessages(
        size,
        before === undefined ? undefined : positionOf(before),
      );
      const messages = await Promise.all(
        page.map(async (message) => ({ ...(await summary(ctx, message)), owner: ownerOf(message) })),
      );
      const last = page[page.length - 1];
      return { messages, ...(page.length === size && last ? { next: cursorOf(last) } : {}) };
    },
  );
  managingRoutes(app, ctx, ANY_MESSAGE);
}
