import { CimdError } from '@cimd/core';

/** One fetch's overall deadline, merged with the caller's own signal. */
export interface Deadline {
  /** Aborts at the deadline (reason: a `fetch-timeout` CimdError) or when the caller aborts
   * (reason: a `fetch-aborted` CimdError). */
  readonly signal: AbortSignal;
  /** Stop the timer and forget the caller's signal. */
  dispose(): void;
}

/**
 * Step 8 (H4): one deadline covering DNS, connect, headers and body. undici's own timers are
 * coarse (they fire up to ~0.5 s late), so the deadline is an AbortSignal on a timer of our own,
 * and every stage listens to it; a body dripping one byte a second ends when it fires.
 */
export function startDeadline(ms: number, origin: string, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new CimdError('fetch-timeout', `${origin} did not deliver a complete response within ${ms} ms`));
  }, ms);
  const onCallerAbort = (): void => {
    const reason: unknown = callerSignal?.reason;
    controller.abort(new CimdError('fetch-aborted', `The fetch of ${origin} was aborted by its caller`, { cause: reason }));
  };
  if (callerSignal?.aborted === true) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** Settle with `promise`, or reject with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
