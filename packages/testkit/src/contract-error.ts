/** The contracts the kit checks; failure messages name one of them. */
export type ContractName =
  | 'options accepted'
  | 'bad options rejected'
  | 'paging terminates'
  | 'cursor advances'
  | 'no duplicate records'
  | 'errors classified'
  | 'abort stops fetchPage'
  | 'commit makes every write readable'
  | 'nothing readable before commit'
  | 'abort leaves nothing'
  | 'checkpoint resumes'
  | 'rewrite replaces'
  | 'secrets never leak';

/** A plugin broke one of the contracts: `contract "cursor advances" broken: page 3 returned ...`. */
export class ContractError extends Error {
  readonly contract: ContractName;
  constructor(contract: ContractName, detail: string, options?: { cause?: unknown }) {
    super(`contract "${contract}" broken: ${detail}`, options);
    this.name = 'ContractError';
    this.contract = contract;
  }
}

/** The kit was used in a way that cannot check a contract (e.g. a partition with a single page). */
export class KitUsageError extends Error {
  constructor(message: string) {
    super(`@etl/testkit: ${message}`);
    this.name = 'KitUsageError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
