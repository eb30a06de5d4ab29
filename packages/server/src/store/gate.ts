import { CimdError } from '@cimd/core';

/**
 * The one way a store runs an operation: synchronously, in one piece, with its result or its
 * exception handed back as a promise. Both implementations do all their work inside `run` without
 * an `await`, so no other caller can slip in between a check and the write that depends on it
 * (the memory stores rely on this for atomicity; better-sqlite3 is synchronous anyway).
 *
 * After `close`, every operation rejects with `store-closed` instead of touching closed state.
 */
export interface Gate {
  run<T>(operation: () => T): Promise<T>;
  close(): void;
  readonly closed: boolean;
}

export function createGate(name: string): Gate {
  let closed = false;
  return {
    run<T>(operation: () => T): Promise<T> {
      // The executor's exception becomes the rejection; nothing here awaits.
      return new Promise<T>((resolve) => {
        if (closed) throw new CimdError('store-closed', `The ${name} stores are closed`);
        resolve(operation());
      });
    },
    close() {
      closed = true;
    },
    get closed() {
      return closed;
    },
  };
}
