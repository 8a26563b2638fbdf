/**
 * A value as one safe file-name segment: percent-encoded (so `/`, `\` and `%` cannot split or fake a path)
 * and with a leading dot encoded too, so `.` and `..` never name the current or parent directory.
 */
export function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/^\./, '%2E').replace(/\*/g, '%2A');
}
