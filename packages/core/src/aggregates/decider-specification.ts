// Given/when/then helpers for testing deciders without a store. Framework-agnostic: failures are
// node:assert AssertionErrors, which every test runner reports with their diff.
import { AssertionError, deepStrictEqual } from 'node:assert';
import { inspect } from 'node:util';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';
import { decidedEvents } from './decided-events.js';
import type { Aggregate, Decider } from './types.js';

/** What `then` compares: an event's `type` and `data` (ids and times are generated, so they do not count). */
export type ExpectedEvent<Event extends CloudEvent> = Event extends CloudEvent
  ? { readonly type: Event['type']; readonly data: Event['data'] }
  : never;

/** An error class (`DomainError`) or a predicate over the thrown value. */
export type ErrorMatcher = (abstract new (...args: never[]) => Error) | ((error: unknown) => boolean);

/** The assertions of a specification, after `given(...).when(command)`. */
export interface DeciderSpecificationThen<State, Event extends CloudEvent> {
  /** Asserts `decide` returned these events (compared by `type` and `data`, in order). */
  then(expected: ExpectedEvent<Event> | readonly ExpectedEvent<Event>[]): void;
  /** Asserts `decide` returned no events. */
  thenNothing(): void;
  /** Asserts `decide` threw: an instance of the class, or a value the predicate accepts (any error when absent). */
  thenThrows(matcher?: ErrorMatcher): void;
  /** Asserts the state after the given events and the decided ones deep-equals `expected`. */
  thenState(expected: State): void;
}

/** A specification with its history, waiting for the command. */
export interface DeciderSpecificationWhen<Command, State, Event extends CloudEvent> {
  when(command: Command): DeciderSpecificationThen<State, Event>;
}

/**
 * Tests a decider the way its aggregate will run it: the given events are folded with `evolve`
 * into a state, `decide` runs on the command, and the outcome is compared.
 *
 * ```ts
 * const spec = DeciderSpecification.for(Order); // an aggregate or a decider
 * spec.given([placed]).when({ type: 'ship' }).thenThrows(OrderNotPaid);
 * spec.given([placed, paid]).when({ type: 'ship' }).then([{ type: 'order.shipped', data: { orderId: 'o-1' } }]);
 * ```
 */
export class DeciderSpecification<Command, State, Event extends CloudEvent> {
  private constructor(private readonly decider: Decider<Command, State, Event>) {}

  /** A specification for a decider, or for the decider of an aggregate. */
  static for<Command, State, Event extends CloudEvent>(
    target: Decider<Command, State, Event> | Aggregate<Command, State, Event>,
  ): DeciderSpecification<Command, State, Event> {
    return new DeciderSpecification('decider' in target ? target.decider : target);
  }

  /** The aggregate's history (default: none). */
  given(events: readonly Event[] = []): DeciderSpecificationWhen<Command, State, Event> {
    return { when: (command) => new Outcome(this.decider, [...events], command) };
  }
}

type Decision<Event> = { readonly events: readonly Event[] } | { readonly error: unknown };

class Outcome<Command, State, Event extends CloudEvent> implements DeciderSpecificationThen<State, Event> {
  constructor(
    private readonly decider: Decider<Command, State, Event>,
    private readonly history: readonly Event[],
    private readonly command: Command,
  ) {}

  // biome-ignore lint/suspicious/noThenProperty: given/when/then is the point; an accidental await is caught below
  then(expected: ExpectedEvent<Event> | readonly ExpectedEvent<Event>[]): void {
    if (typeof expected === 'function')
      throw invalidArgument(
        'DeciderSpecification: given(...).when(...) is not a promise: do not await it, call .then(expectedEvents) on it.',
      );
    const list: readonly ExpectedEvent<Event>[] = Array.isArray(expected) ? expected : [expected];
    const decision = this.decide();
    if ('error' in decision)
      this.fail(`decide threw instead of returning ${count(list.length)}: ${describeError(decision.error)}`, {
        cause: decision.error,
      });
    assertDeepEqual(
      decision.events.map(typeAndData),
      list.map(typeAndData),
      `${this.context()}\ndecide returned other events than expected (compared by type and data):`,
    );
  }

  thenNothing(): void {
    const decision = this.decide();
    if ('error' in decision)
      this.fail(`decide threw instead of returning no events: ${describeError(decision.error)}`, {
        cause: decision.error,
      });
    if (decision.events.length > 0)
      this.fail(
        `decide returned ${count(decision.events.length)} instead of none: ${describeEvents(decision.events)}`,
      );
  }

  thenThrows(matcher?: ErrorMatcher): void {
    const decision = this.decide();
    const wanted = matcher === undefined ? 'an error' : describeMatcher(matcher);
    if (!('error' in decision))
      this.fail(
        `decide was expected to throw ${wanted}, but it returned ${count(decision.events.length)}${decision.events.length > 0 ? `: ${describeEvents(decision.events)}` : ''}`,
      );
    if (matcher !== undefined && !matches(matcher, decision.error))
      this.fail(`decide was expected to throw ${wanted}, but it threw ${describeError(decision.error)}`, {
        cause: decision.error,
      });
  }

  thenState(expected: State): void {
    const decision = this.decide();
    if ('error' in decision)
      this.fail(`decide threw, so there is no state to compare: ${describeError(decision.error)}`, {
        cause: decision.error,
      });
    const state = decision.events.reduce((s, event) => this.decider.evolve(s, event), this.stateBefore());
    assertDeepEqual(state, expected, `${this.context()}\nthe state after the decided events differs:`);
  }

  private stateBefore(): State {
    return this.history.reduce(
      (state, event) => this.decider.evolve(state, event),
      this.decider.initialState(),
    );
  }

  private decide(): Decision<Event> {
    const state = this.stateBefore();
    try {
      return { events: decidedEvents(this.decider.decide(this.command, state), 'specification') };
    } catch (error) {
      return { error };
    }
  }

  private context(): string {
    const given = this.history.length === 0 ? 'no events' : describeEvents(this.history);
    return `DeciderSpecification: given ${given}, when ${inspect(this.command, { depth: 4, breakLength: Number.POSITIVE_INFINITY })}`;
  }

  private fail(message: string, options: { cause?: unknown } = {}): never {
    const error = new AssertionError({ message: `${this.context()}\n${message}` });
    if ('cause' in options)
      Object.defineProperty(error, 'cause', { value: options.cause, configurable: true });
    throw error;
  }
}

function assertDeepEqual(actual: unknown, expected: unknown, header: string): void {
  try {
    deepStrictEqual(actual, expected);
  } catch (err) {
    if (!(err instanceof AssertionError)) throw err;
    // No `operator`: with one, Node appends a second copy of the diff to the message.
    throw new AssertionError({ message: `${header}\n${err.message}`, actual, expected });
  }
}

function typeAndData(event: { readonly type: string; readonly data: unknown }): {
  type: string;
  data: unknown;
} {
  return { type: event.type, data: event.data };
}

function matches(matcher: ErrorMatcher, error: unknown): boolean {
  if (isErrorClass(matcher)) return error instanceof matcher;
  return matcher(error) === true;
}

function isErrorClass(matcher: ErrorMatcher): matcher is abstract new (...args: never[]) => Error {
  return matcher === Error || matcher.prototype instanceof Error;
}

function describeMatcher(matcher: ErrorMatcher): string {
  if (isErrorClass(matcher)) return matcher.name;
  return `an error accepted by ${matcher.name === '' ? 'the predicate' : matcher.name}`;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return inspect(error);
}

function describeEvents(events: readonly { readonly type: string }[]): string {
  return `[${events.map((event) => event.type).join(', ')}]`;
}

function count(n: number): string {
  return n === 1 ? '1 event' : `${n} events`;
}
