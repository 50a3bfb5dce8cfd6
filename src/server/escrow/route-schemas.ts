/**
 * The path and query parts of escrow's routes, in zod like the bodies and answers (`core/escrow/wire.ts`) and
 * converted the same way (`api/schema.ts`). Only the server reads them, so they live here.
 */
import { z } from 'zod';
import { MessageId } from '../../core/escrow/wire';

/** A blob's number within its message or reply, as the path carries it. */
const BlobNumber = z.string().regex(/^[0-9]{1,3}$/, 'a part number');

export const IdParams = z.strictObject({ id: MessageId });
export const BlobParams = z.strictObject({ id: MessageId, n: BlobNumber });
export const ReplyParams = z.strictObject({ id: MessageId, rid: MessageId });
export const ReplyBlobParams = z.strictObject({ id: MessageId, rid: MessageId, n: BlobNumber });
/** Where an upload part starts in its blob. */
export const PartQuery = z.strictObject({ offset: z.string().regex(/^[0-9]{1,15}$/, 'a byte offset') });

export type IdParams = z.infer<typeof IdParams>;
export type BlobParams = z.infer<typeof BlobParams>;
export type ReplyParams = z.infer<typeof ReplyParams>;
export type ReplyBlobParams = z.infer<typeof ReplyBlobParams>;
export type PartQuery = z.infer<typeof PartQuery>;

/** OpenAPI's grouping of every escrow route. */
export const TAGS = ['escrow'];
/** Recipient and sender-link routes: no bearer token; they carry their own proofs. */
export const PUBLIC = { config: { public: true } } as const;
