/// <reference types="office-js" />
/**
 * Office.js reports through callbacks with an `AsyncResult`; the rest of the add-in awaits promises. Every
 * `*Async` call goes through this one function so that a failed call always rejects with Office's own message.
 */
import { messageOf, SendguardError } from '../core/errors';

class OfficeCallError extends SendguardError {
  constructor(
    readonly operation: string,
    readonly officeCode: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('OFFICE_CALL_FAILED', `${operation} failed: ${message}`, options);
  }
}

export function officeAsync<T>(
  operation: string,
  call: (callback: (result: Office.AsyncResult<T>) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      call((result) => {
        // Compared by value: the Office global's enum is not there in every context this runs in.
        if ((result.status as unknown) === 'succeeded') resolve(result.value);
        else
          reject(
            new OfficeCallError(operation, result.error?.code, result.error?.message ?? 'unknown error'),
          );
      });
    } catch (error) {
      reject(new OfficeCallError(operation, undefined, messageOf(error), { cause: error }));
    }
  });
}
