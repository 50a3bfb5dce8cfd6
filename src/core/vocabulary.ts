/**
 * The protection vocabulary of DESIGN.md as runtime schemas: code, API, CLI and UI use exactly these words, and
 * anything crossing a boundary is validated against them. The word lists and their rules are in `words.ts`.
 */
import { z } from 'zod';
import type * as Words from './words';
import {
  ACCEPTABLE_TRANSPORT_VERDICTS,
  APPLICABLE_PROTECTIONS,
  KEY_SOURCES,
  KEY_VERDICTS,
  MESSAGE_ACTIONS,
  PROTECTIONS,
  REQUIREMENTS,
  TRANSPORT_VERDICTS,
} from './words';

export * from './words';

// Each schema shares its name with the type of the words it accepts, so one import serves both uses.
export const TransportVerdict = z.enum(TRANSPORT_VERDICTS);
export type TransportVerdict = Words.TransportVerdict;
export const TransportVerdictAcceptable = z.enum(ACCEPTABLE_TRANSPORT_VERDICTS);
export const KeyVerdict = z.enum(KEY_VERDICTS);
export type KeyVerdict = Words.KeyVerdict;
export const KeySource = z.enum(KEY_SOURCES);
export type KeySource = Words.KeySource;
export const Protection = z.enum(PROTECTIONS);
export type Protection = Words.Protection;
export const ApplicableProtection = z.enum(APPLICABLE_PROTECTIONS);
export type ApplicableProtection = Words.ApplicableProtection;
export const MessageAction = z.enum(MESSAGE_ACTIONS);
export type MessageAction = Words.MessageAction;
export const Requirement = z.enum(REQUIREMENTS);
export type Requirement = Words.Requirement;
