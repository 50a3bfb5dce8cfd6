/**
 * Stands in for `zod` in the send handler's bundle only (see webpack.part.js). The handler reaches
 * `src/core/vocabulary.ts` for its word lists, and that module also builds zod schemas of them at load time; the
 * handler never validates with those schemas, and zod itself (ES2018+, tens of KiB) cannot run in classic
 * Outlook's ES2016 runtime. Only what vocabulary.ts calls at load time is provided; the build fails if the
 * handler's imports ever need more.
 */
export const z = {
  enum: <const T extends readonly string[]>(options: T) => ({ options }),
};
