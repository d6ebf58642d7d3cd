import { TributaryError, type TributaryErrorOptions } from '../errors/errors.js';

/**
 * Errors of projection runners, rebuilds and the outbox relay: `PERMANENT_FAILURE` (a handler
 * failed under the `'stop'` policy; `cause` is the handler's error), `CLOSED` (the runner was
 * stopped), `REQUEST_TIMEOUT` (a `whenCaughtUp` / `whenIdle` wait ran out of time).
 */
export class ProjectionError extends TributaryError {
  override readonly name: string = 'ProjectionError';

  constructor(
    code: 'PERMANENT_FAILURE' | 'CLOSED' | 'REQUEST_TIMEOUT',
    message: string,
    options: TributaryErrorOptions = {},
  ) {
    super(code, message, options);
  }
}
