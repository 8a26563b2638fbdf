/** Replaces known secret values in any text the core emits (error messages, event payloads). */
export class Redactor {
  private readonly secrets: string[];
  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  get isEmpty(): boolean {
    return this.secrets.length === 0;
  }
}
