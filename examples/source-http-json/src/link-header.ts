/** The `rel="next"` target of an RFC 8288 Link header, resolved against the request URL. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,=]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g)) {
    const params = match[2] ?? '';
    for (const param of params.matchAll(/;\s*([^=;,\s]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))/g)) {
      if (param[1]?.toLowerCase() !== 'rel') continue;
      const rels = (param[2] ?? param[3] ?? '').toLowerCase().split(/\s+/);
      if (rels.includes('next')) return new URL(match[1] ?? '', base).toString();
    }
  }
  return undefined;
}
