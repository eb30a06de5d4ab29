import assert from 'node:assert/strict';
import { isCimdError, type CimdError, type ReasonCode } from '@cimd/core';

/**
 * Assert that `promise` rejects with a CimdError carrying `code` (never a raw error), and return
 * the error so the caller can check its message.
 */
export async function rejectsWithCode(promise: Promise<unknown>, code: ReasonCode): Promise<CimdError> {
  let caught: CimdError | undefined;
  await assert.rejects(promise, (error) => {
    assert.ok(isCimdError(error), `expected a CimdError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    caught = error;
    return true;
  });
  return caught as CimdError;
}
