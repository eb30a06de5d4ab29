/** A counter window must be a positive, finite number of milliseconds (a caller's mistake otherwise). */
export function checkWindow(windowMs: number): void {
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError('windowMs must be a positive number of milliseconds');
}
