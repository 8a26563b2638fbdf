/** Options of `httpJsonSource`: the one place they are described. */
export const httpJsonOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'recordsPointer', 'pagination'],
  properties: {
    url: { type: 'string', minLength: 1, description: 'URL of the first page; {partition} is replaced by the percent-encoded partition.' },
    recordsPointer: { type: 'string', pattern: '^(/.*)?$', description: 'RFC 6901 JSON pointer to the records array in a response ("" = the body itself).' },
    pagination: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'cursorPointer', 'cursorParam'],
          properties: {
            type: { const: 'cursor' },
            cursorPointer: { type: 'string', pattern: '^(/.*)?$', description: 'JSON pointer to the next cursor in a response; absent, null or "" ends paging.' },
            cursorParam: { type: 'string', minLength: 1, description: 'Query parameter the cursor is sent in.' },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: { type: { const: 'link' } },
        },
      ],
    },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Request headers.' },
    secretHeaders: { type: 'object', additionalProperties: { type: 'string' }, secret: true, description: 'Request headers whose values are secret (e.g. Authorization).' },
    timeoutMs: { type: 'integer', minimum: 1, default: 30000, description: 'Timeout of one request, in milliseconds.' },
  },
} as const;
