import type { Random } from '../util/random.js';

/**
 * Ids for records listed newest first (audit events, document versions): the time, then a
 * counter, then randomness, so that in byte order (how every store breaks ties of equal times)
 * records made by one process in the same millisecond keep the order they were made in.
 */
export function sortableIds(random: Random): (at: number) => string {
  let counter = 0;
  return (at) => {
    counter = (counter + 1) % 36 ** 4;
    return `${Math.max(0, Math.floor(at)).toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${random.token(6)}`;
  };
}
