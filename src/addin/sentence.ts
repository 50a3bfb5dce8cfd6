/** Joining a reason that came from elsewhere (an error's message) into the add-in's own sentences. */

/** The reason as a sentence of its own, whether or not it came with its full stop: never "…open.." nor "…open They". */
export const asSentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
