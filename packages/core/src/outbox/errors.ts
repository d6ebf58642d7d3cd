import { TributaryError } from '../errors/errors.js';

/** Errors of the outbox relay's waits: `CLOSED` (the relay stopped), `REQUEST_TIMEOUT`. */
export class OutboxRelayError extends TributaryError {
  override readonly name: string = 'OutboxRelayError';

  constructor(code: 'CLOSED' | 'REQUEST_TIMEOUT', message: string) {
    super(code, message);
  }
}
