/**
 * Builds the OpenAPI 3.1 document from the route registry: parameters and request bodies from the
 * very Zod schemas the server validates with (`z.toJSONSchema`, input side), responses from the
 * documented response schemas, and the problem-details response on every route.
 */
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from '../http/problem.js';
import type { RecordedRoute } from './route-types.js';
import { ProblemSchema } from './schemas.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function requestBody(route: RecordedRoute): JsonSchema | undefined {
  if (route.body !== undefined) {
    return {
      required: route.optionalBody !== true,
      content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
    };
  }
  if (route.rawBody === undefined) return undefined;
  const content: Record<string, JsonSchema> = {};
  for (const [mediaType, schema] of Object.entries(route.rawBody.content)) {
    content[mediaType] = schema === undefined ? {} : { schema: jsonSchema(schema, 'input') };
  }
  return { required: true, description: route.rawBody.description, content };
}

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

function responses(route: RecordedRoute): JsonSchema {
  const out: JsonSchema = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    const contentType = doc.contentType ?? 'application/json';
    out[status] = {
      description: doc.description,
      ...(doc.schema !== undefined
        ? { content: { [contentType]: { schema: jsonSchema(doc.schema, 'output') } } }
        : doc.contentType !== undefined
          ? { content: { [contentType]: {} } }
          : {}),
    };
  }
  out.default = {
    description: 'A problem (RFC 9457): bad input (4xx, naming the field), or a server failure (5xx).',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } },
  };
  return out;
}

/** The OpenAPI 3.1 document of `routes`. */
export function buildOpenApiDocument(routes: readonly RecordedRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const body = requestBody(route);
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      tags: [route.tag],
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(body === undefined ? {} : { requestBody: body }),
      responses: responses(route),
      ...(route.authenticated ? {} : { security: [] }),
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tributary',
      version,
      description:
        'The Tributary event backbone over HTTP. Offsets, positions and versions are decimal strings. Errors are RFC 9457 problem details.',
    },
    paths,
    components: {
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key as a bearer token.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
  };
}
