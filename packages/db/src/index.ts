export {
  type CreateDbOptions,
  createDb,
  type Db,
  pingDb,
  type Sql,
  type SqlTransaction,
  sqlOf,
  type Tx,
} from './client.js';
export {
  EMBEDDED_PORT,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './embedded/server.js';
export * from './generated/prisma/client.js';
export { type IdPrefix, newId } from './ids.js';
export { createMigration, diffDatabaseToSchema, migrateDeploy, pendingSchemaChanges } from './migrate/index.js';
export { defaultPlan, effectivePlan } from './plans.js';
export {
  API_KEY_PREFIX,
  apiKeyPrefix,
  generateApiKey,
  hashApiKey,
  hashPassword,
  isWellFormedApiKey,
  type NewApiKey,
  randomSecret,
  verifyPassword,
} from './secrets.js';
