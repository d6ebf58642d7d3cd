/**
 * Zod schemas shared by routes: request pieces (names, decimal offsets, integers in query strings)
 * and the documented shapes of responses. Bigints travel as decimal strings.
 */
import { z } from 'zod';

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** A topic name by Kafka's rules. */
export const topicName = z
  .string()
  .min(1, 'must not be empty')
  .max(249, 'must be at most 249 characters')
  .regex(TOPIC_NAME, 'use only ASCII letters, digits, ".", "_" and "-"')
  .refine((name) => name !== '.' && name !== '..', '"." and ".." are reserved');

/** A consumer group name: 1 to 249 printable characters. */
export const groupName = z
  .string()
  .min(1, 'must not be empty')
  .max(249, 'must be at most 249 characters')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is rejected
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

/** A non-negative 64-bit integer as a decimal string, read as a bigint. */
export const decimalBigint = z
  .string()
  .regex(/^\d{1,19}$/, 'expected a decimal integer >= 0 (as a string)')
  .transform((text) => BigInt(text))
  .refine((n) => n <= 0x7fffffffffffffffn, 'must fit in a signed 64-bit integer');

/** A non-negative integer given as a number or a decimal string (JSON bodies), read as a bigint. */
export const bigintInput = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,19}$/)], {
    error: 'expected an integer >= 0 (a number, or a decimal string for large values)',
  })
  .transform((value) => BigInt(value))
  .refine((n) => n <= 0x7fffffffffffffffn, 'must fit in a signed 64-bit integer');

/** An integer in a query string or path, from `min` to `max`. */
export function integerText(min: number, max: number) {
  return z
    .string()
    .regex(/^-?\d{1,16}$/, `expected an integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`));
}

/** A partition number in a path. */
export const partitionText = integerText(0, 9999);

/** A comma-separated list in a query string. */
export const commaList = z
  .string()
  .transform((text) => text.split(',').map((part) => part.trim()))
  .refine(
    (list) => list.every((part) => part.length > 0),
    'expected a comma-separated list without empty entries',
  );

// ---- documented response shapes ----

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** An event in the CloudEvents JSON format (`application/cloudevents+json`). */
export const StructuredEventSchema = z
  .looseObject({
    specversion: z.literal('1.0'),
    id: z.string().min(1),
    source: z.string().min(1),
    type: z.string().min(1),
    time: z.string().optional().describe('RFC 3339; the server sets it when absent'),
    subject: z.string().optional(),
    datacontenttype: z.string().optional(),
    dataschema: z.string().optional(),
    tenantid: z.string().optional(),
    partitionkey: z.string().optional(),
    data: z.unknown().optional(),
    data_base64: z.string().optional(),
  })
  .describe('A CloudEvent in the JSON format; extensions are top-level members.');

const decimal = z.string().describe('a decimal integer');

export const TopicDescriptionSchema = z.object({
  name: z.string(),
  config: z.object({
    partitions: z.number().int(),
    retentionMs: z.number().int(),
    retentionBytes: z.number().int(),
    segmentBytes: z.number().int(),
    maxMessageBytes: z.number().int(),
    fsync: z.enum(['always', 'interval', 'never']),
    fsyncIntervalMs: z.number().int(),
  }),
  partitions: z.array(
    z.object({
      partition: z.number().int(),
      earliestOffset: decimal,
      latestOffset: decimal,
      sizeBytes: z.number().int(),
    }),
  ),
});

/** One event read from a topic, with where it is. */
export const EventItemSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  offset: decimal,
  key: z.string().nullable().describe('the record key as UTF-8'),
  timestamp: z.number().int().describe('ms since the epoch'),
  event: StructuredEventSchema.optional().describe('absent when the record is not a valid CloudEvent'),
  invalid: z.string().optional().describe('why the record is not a valid CloudEvent'),
});

export const TopicPartitionSchema = z.object({ topic: z.string(), partition: z.number().int() });

export const OffsetSchema = z.object({ topic: z.string(), partition: z.number().int(), offset: decimal });
