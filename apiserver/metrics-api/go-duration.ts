// Go's time.Duration.String for the Metrics API's `window` (metav1.Duration marshals that way):
// `15s`, `1.5s`, `20.036s`, `1m0.5s`, `500ms`. Pure.

function trimFraction(whole: number, fraction: number, digits: number): string {
  if (fraction === 0) return String(whole);
  return `${whole}.${String(fraction).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Formats a duration given in nanoseconds (an integer). */
export function formatGoDuration(ns: number): string {
  ns = Math.trunc(ns);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let u = Math.abs(ns);
  if (u < 1000) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${trimFraction(Math.trunc(u / 1e3), u % 1e3, 3)}µs`;
  if (u < 1e9) return `${sign}${trimFraction(Math.trunc(u / 1e6), u % 1e6, 6)}ms`;
  const hours = Math.trunc(u / 3.6e12);
  u -= hours * 3.6e12;
  const minutes = Math.trunc(u / 6e10);
  u -= minutes * 6e10;
  const seconds = trimFraction(Math.trunc(u / 1e9), u % 1e9, 9);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
