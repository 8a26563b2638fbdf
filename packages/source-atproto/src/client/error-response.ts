/**
 * @atproto/xrpc parses a response body by its content-type before it looks at the status: an error answer
 * whose body is not what its content-type claims (a proxy's `Bad Gateway` sent with the upstream's
 * `application/json`, an error page cut short) throws "Failed to parse response body" as an
 * InvalidResponse, and the HTTP status is lost, so a 502 would read as a lexicon mismatch and never be
 * retried. An error answer is classified by its status; its body only adds detail. So an error response
 * whose JSON body does not parse is handed on as the text it is, with its status and every other header
 * kept: the client then throws the XRPCError of that status (UpstreamFailure for a 502, Forbidden for a
 * 403, and so on). Successful responses pass untouched, so a 2xx that breaks the lexicon stays invalid.
 *
 * The body is read here, under the same signal as the call: a body cut off mid-way (or a timeout while
 * reading it) fails here as the transport error it is.
 */
export async function parsableErrorResponse(response: Response): Promise<Response> {
  if (response.ok || response.body === null) return response;
  const contentType = response.headers.get('content-type');
  if (contentType === null || !contentType.includes('application/json')) return response;
  const bytes = await response.arrayBuffer();
  const text = new TextDecoder().decode(bytes);
  if (isJson(text)) return rebuilt(response, bytes, response.headers);
  const headers = new Headers(response.headers);
  headers.set('content-type', 'text/plain; charset=utf-8');
  return rebuilt(response, bytes, headers);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The same answer with a buffered body; `url` (read by the pacer, and by @atproto/api's redirects) kept. */
function rebuilt(original: Response, bytes: ArrayBuffer, headers: Headers): Response {
  const response = new Response(bytes, { status: original.status, statusText: original.statusText, headers });
  Object.defineProperty(response, 'url', { value: original.url });
  return response;
}
