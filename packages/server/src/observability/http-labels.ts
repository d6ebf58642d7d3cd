/**
 * Bounded label values for HTTP metrics: a request's method, route pattern and status, never its
 * raw path (which carries topic names, offsets, ids — a time series each).
 */

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Distinct routes kept as labels; past this, a route is counted as `other` (a safety net). */
export const MAX_ROUTES = 100;

/** The method label: a standard method in upper case, else `OTHER`. */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : 'OTHER';
}

/** The status label: the three-digit code, else `other`. */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
}

/**
 * Route labels: the route pattern (`/v1/topics/:topic`) as given, `unmatched` for an empty one,
 * and `other` once {@link MAX_ROUTES} distinct routes were seen — in case raw paths slip through.
 */
export class RouteLabels {
  private readonly seen = new Set<string>();

  label(route: string): string {
    if (route === '') return 'unmatched';
    if (this.seen.has(route)) return route;
    if (this.seen.size >= MAX_ROUTES) return 'other';
    this.seen.add(route);
    return route;
  }
}
