/**
 * The reason the service gives for a check still running when its answer's deadline passed (an `unknown` verdict,
 * the answer `partial`). One string for the service that writes it and the plan that reads it: the plan then says
 * "try again in a moment" rather than "could not be checked".
 */
export const STILL_CHECKING = 'still being checked; ask again shortly';
