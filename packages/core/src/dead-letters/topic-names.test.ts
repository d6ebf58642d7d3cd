import { describe, expect, it } from 'vitest';
import { thrown } from '../testing/thrown.js';
import { validateTopicName } from '../topics/topic-config.js';
import { deadLetterStatusTopic, deadLetterTopic } from './topic-names.js';

function expectLegal(topic: string): void {
  expect(() => validateTopicName(topic)).not.toThrow();
  expect(() => validateTopicName(deadLetterStatusTopic(topic))).not.toThrow();
}

describe('deadLetterTopic', () => {
  it('is <group>.dlq for a group whose name is a legal topic name', () => {
    expect(deadLetterTopic('billing')).toBe('billing.dlq');
    expect(deadLetterTopic('svc.billing_v2-eu')).toBe('svc.billing_v2-eu.dlq');
  });

  it('replaces illegal characters with "_" and adds a hash suffix', () => {
    const topic = deadLetterTopic('billing service/eu');
    expect(topic).toMatch(/^billing_service_eu-[0-9a-f]{12}\.dlq$/);
    expectLegal(topic);
    expectLegal(deadLetterTopic('🙂 ünïcode group'));
  });

  it('gives groups that sanitize alike distinct topics', () => {
    const topics = ['a b', 'a/b', 'a:b', 'a_b'].map(deadLetterTopic);
    expect(new Set(topics).size).toBe(4);
    expect(topics[3]).toBe('a_b.dlq');
  });

  it('shortens a 300-character group to a legal name, distinct from a group differing only at the end', () => {
    const long = 'g'.repeat(299);
    const a = deadLetterTopic(`${long}a`);
    const b = deadLetterTopic(`${long}b`);
    expect(a.length).toBeLessThanOrEqual(242);
    expectLegal(a);
    expectLegal(b);
    expect(a).not.toBe(b);
  });

  it('hashes a group that already looks hashed, so a plain name never equals a hashed one', () => {
    const hashed = deadLetterTopic('a b');
    const lookalike = hashed.slice(0, -'.dlq'.length); // "a_b-<hash>", itself a legal group
    expect(deadLetterTopic(lookalike)).not.toBe(hashed);
    expect(deadLetterTopic(lookalike)).toMatch(/-[0-9a-f]{12}-[0-9a-f]{12}\.dlq$/);
  });

  it('keeps a 242-character plain name and hashes a 243-character one', () => {
    expect(deadLetterTopic('g'.repeat(238))).toBe(`${'g'.repeat(238)}.dlq`);
    expect(deadLetterTopic('g'.repeat(239))).toMatch(/^g+-[0-9a-f]{12}\.dlq$/);
    expect(deadLetterTopic('g'.repeat(239)).length).toBe(242);
  });

  it('is deterministic', () => {
    expect(deadLetterTopic('x y z')).toBe(deadLetterTopic('x y z'));
  });

  it('names the status topic <dlq topic>.status', () => {
    expect(deadLetterStatusTopic('billing.dlq')).toBe('billing.dlq.status');
  });

  it.each([
    ['an empty group', ''],
    ['a group with a control character', 'a\nb'],
    ['a group with DEL', 'a\u007fb'],
    ['a non-string group', 42],
  ])('rejects %s with INVALID_ARGUMENT', (_, group) => {
    const err = thrown(() => deadLetterTopic(group as string));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('invalid consumer group name');
  });
});
