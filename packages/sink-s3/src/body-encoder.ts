import { createGzip } from 'node:zlib';

/** Turns an object's NDJSON bytes into the bytes stored (gzip or as is), handing them to `output`. */
export interface BodyEncoder {
  /** Resolves once `data` has been encoded (its output may still be on its way to `output`). */
  write(data: Buffer): Promise<void>;
  /** Ends the body; resolves after the last output byte was handed over. */
  end(): Promise<void>;
  destroy(): void;
}

function identityEncoder(output: (chunk: Buffer) => void): BodyEncoder {
  return {
    async write(data) {
      output(data);
    },
    async end() {},
    destroy() {},
  };
}

/**
 * A single gzip member per object (one zlib stream), so every object is a complete .gz file on its own.
 * Output is taken as soon as zlib produces it ('data' in flowing mode), so the stream never holds back
 * more than zlib's own window; the caller bounds memory by not writing faster than it uploads.
 */
function gzipEncoder(output: (chunk: Buffer) => void): BodyEncoder {
  const gzip = createGzip();
  gzip.on('data', output);
  const ended = new Promise<void>((resolve, reject) => {
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  // Observed by end(); until then an error also rejects the pending write.
  ended.catch(() => undefined);
  return {
    write: (data) => new Promise<void>((resolve, reject) => gzip.write(data, (error) => (error ? reject(error) : resolve()))),
    async end() {
      gzip.end();
      await ended;
    },
    destroy: () => gzip.destroy(),
  };
}

export function createBodyEncoder(compression: 'gzip' | 'none', output: (chunk: Buffer) => void): BodyEncoder {
  return compression === 'gzip' ? gzipEncoder(output) : identityEncoder(output);
}
