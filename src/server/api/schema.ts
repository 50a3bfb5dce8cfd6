/**
 * Route schemas are written once, in zod, and converted here to the JSON Schema (draft 7) that Fastify validates
 * and serialises with and that the OpenAPI document publishes.
 */
// Brings in @fastify/swagger's route schema fields (tags, hide) for the route files.
import type {} from '@fastify/swagger';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** `input` for what a client sends (defaults optional), `output` for what the server answers. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
  });
  return rest;
}
