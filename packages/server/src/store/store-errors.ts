import { CimdError } from '@cimd/core';

/**
 * A write would take a unique key that is already held. `what` names the kind of key (never its
 * value: a code hash or a username does not belong in logs).
 */
export function storeConflict(what: string, cause?: unknown): CimdError {
  return new CimdError('store-conflict', `A ${what} with this key is already stored`, cause === undefined ? {} : { cause });
}

/** An update names a record that is not stored. */
export function storeNotFound(what: string): CimdError {
  return new CimdError('store-not-found', `No ${what} with this key is stored`);
}
