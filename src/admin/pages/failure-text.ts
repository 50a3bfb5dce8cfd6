/** A refusal or failure in the words an admin reads: what was being done, then what the service said. */
import { AdminApiError } from '../api';

export function failureText(doing: string, error: unknown): string {
  const said = error instanceof Error ? error.message : String(error);
  if (error instanceof AdminApiError && error.status === 403)
    return `Could not ${doing}: this token does not have the admin role.`;
  return `Could not ${doing}: ${said.replace(/\.?$/, '.')}`;
}
