/**
 * A deep copy of a plain record, frozen all the way down. The memory stores keep and hand out
 * such copies, so a caller that changes an object it saved (or was given) cannot change what the
 * store holds, as with a database.
 */
export function frozenCopy<T extends object>(value: T): T {
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
