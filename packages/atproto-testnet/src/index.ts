export { findPostgresBinDir, freeLoopbackPort, PostgresNotFoundError, startPostgres } from './postgres.js';
export type { PostgresServer, StartPostgresOptions } from './postgres.js';
export { dropSchemas, networkSchemas, startTestNetwork, uniqueSchemaName } from './network.js';
export type { StartedTestNetwork, StartTestNetworkOptions } from './network.js';
export { ACTOR_KEYS, COLLECTIONS, REFERENCE_PASSWORD, seedReferenceData } from './seed.js';
export type { ActorKey, CreatedRecord, ExpectedFeedItem, ReferenceData, SeededAccount, SeededActor, SeedOptions } from './seed.js';
export { RepoWriter } from './repo-writer.js';
export type { RecordWrite } from './repo-writer.js';
