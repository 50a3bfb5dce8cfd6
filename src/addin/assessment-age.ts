/**
 * How long the add-in takes an assessment of the service as current: the pane's kept answers and the send check's
 * prefetched ones both go by it. Alone in its file so that the send handler's bundle can take the number without
 * the pane's address parsing.
 */

/** Long enough for one message's writing, short enough that a verdict changed meanwhile is seen on the next. */
export const KEPT_ASSESSMENT_MS = 10 * 60_000;
