import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import pg from 'pg';

/**
 * Prisma's own schema engine, compiled to WebAssembly, driven through the pg driver adapter.
 * The native engine binary cannot be downloaded on machines without access to Prisma's
 * binary host; the WebAssembly build ships inside its npm package and needs nothing else.
 */

type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

let bindings: Promise<Bindings> | undefined;

/** The part of the WebAssembly global this needs (Node has it; the ES2023 lib does not declare it). */
const wasmRuntime = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }> };
  }
).WebAssembly;

/** Node 20 cannot import the package's `.wasm` ESM entry, so instantiate the module by hand, once. */
function loadBindings(): Promise<Bindings> {
  bindings ??= (async () => {
    // The engine reports a Rust panic's message here before it throws.
    const registry = {
      message: '',
      set_message(message: string) {
        registry.message = message;
      },
    };
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof registry }).PRISMA_WASM_PANIC_REGISTRY = registry;
    const bg: Bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const bytes = await readFile(wasmPath);
    const { instance } = await wasmRuntime.instantiate(bytes, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return bindings;
}

/** PostgreSQL's one-byte `"char"` type, used by the catalogs the engine reads to describe a schema. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
/** Marks a `"char"` column's name between the pool and the adapter wrapper below. */
const CHAR_MARK = '\u0000char';
/** The driver adapters' column type for a single character. */
const CHARACTER_COLUMN = ColumnTypeEnum.Character;

type QueryResultLike = { fields?: Array<{ dataTypeID: number; name: string }> };

function markCharColumns<T>(result: T): T {
  for (const field of (result as QueryResultLike).fields ?? []) {
    if (field.dataTypeID === PG_CHAR_OID) {
      field.dataTypeID = PG_TEXT_OID;
      field.name += CHAR_MARK;
    }
  }
  return result;
}

/**
 * The pg driver adapter has no mapping for `"char"` columns, so describing a live database fails
 * with "Column type 'char' could not be deserialized". This pool lets them through as text with a
 * marked name, and `withCharColumns` below reports them to the engine as characters.
 */
class CatalogFriendlyPool extends pg.Pool {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) return result.then(markCharColumns) as never;
    return result as never;
  }

  override connect(...args: unknown[]): never {
    if (args.length > 0) return (super.connect as (...a: unknown[]) => never)(...args);
    return super.connect().then((client) => {
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      client.query = ((...queryArgs: unknown[]) => {
        const result = query(...queryArgs);
        return result instanceof Promise ? result.then(markCharColumns) : result;
      }) as typeof client.query;
      return client;
    }) as never;
  }
}

type ResultSet = { columnNames: string[]; columnTypes: number[] };

/** Wraps an adapter (or a transaction from it) so marked columns come back as characters. */
function withCharColumns<T extends object>(queryable: T): T {
  return new Proxy(queryable, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'queryRaw') {
        return async (...args: unknown[]) => {
          const result = (await value.apply(target, args)) as ResultSet;
          result.columnNames.forEach((name, i) => {
            if (name.endsWith(CHAR_MARK)) {
              result.columnNames[i] = name.slice(0, -CHAR_MARK.length);
              result.columnTypes[i] = CHARACTER_COLUMN;
            }
          });
          return result;
        };
      }
      if (prop === 'executeScript') return (script: string) => executeWhole(target as ScriptTarget, script);
      if (prop === 'startTransaction' || prop === 'connect' || prop === 'connectToShadowDb') {
        return async (...args: unknown[]) => withCharColumns((await value.apply(target, args)) as object);
      }
      return value.bind(target);
    },
  });
}

/** What `executeScript` needs of the pg adapter: its pool or client, and its error mapping. */
interface ScriptTarget {
  underlyingDriver(): { query(text: string): Promise<unknown> };
  onError(error: unknown): never;
}

/**
 * Runs a migration script as one simple query, the way psql and Prisma's native engine run it. The
 * pg adapter's own `executeScript` splits the script at every `;`, which breaks any statement with a
 * semicolon inside it (a function body, a string, a comment). One simple query also makes a
 * migration all or nothing: the server runs a multi-statement query in one transaction.
 */
async function executeWhole(target: ScriptTarget, script: string): Promise<void> {
  try {
    await target.underlyingDriver().query(script);
  } catch (error) {
    target.onError(error);
  }
}

export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/** Opens a schema engine connected to the database at `url`, with `schema` as its datamodel. */
export async function openSchemaEngine(url: string, schema: { path: string; content: string }): Promise<EngineHandle> {
  const bg = await loadBindings();
  const parsed = new URL(url);
  // A config object (not a connection string) so that any shadow pool the adapter makes
  // cannot silently point back at the same database.
  const pool = new CatalogFriendlyPool({
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    database: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
    max: 2,
  });
  const factory = new PrismaPg(pool);
  const adapter = bindMigrationAwareSqlAdapterFactory(withCharColumns(factory));
  const logs: string[] = [];
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (line: string) => {
      logs.push(line);
    },
    adapter,
  );
  return {
    engine,
    async close() {
      engine.free();
      await pool.end().catch(() => {});
    },
  };
}
