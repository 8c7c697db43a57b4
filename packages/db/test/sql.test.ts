import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlOf } from '../src/client.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

describe('plain SQL on the pool (sqlOf)', () => {
  let database: TestDatabase;
  const count = async () =>
    Number((await sqlOf(database.db).query<{ n: number }>('SELECT count(*)::int AS n FROM sql_probe')).rows[0]?.n);

  beforeAll(async () => {
    database = await createTestDatabase();
    await sqlOf(database.db).query('CREATE TABLE sql_probe (id int PRIMARY KEY, note text)');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('commits a transaction whose work resolves, and rolls back one whose work throws', async () => {
    const sql = sqlOf(database.db);
    await sql.transaction(async (tx) => {
      await tx.query('INSERT INTO sql_probe VALUES (1, $1)', ['kept']);
    });
    await expect(
      sql.transaction(async (tx) => {
        await tx.query('INSERT INTO sql_probe VALUES (2, $1)', ['dropped']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(
      sql.transaction(async (tx) => {
        await tx.query('INSERT INTO sql_probe VALUES (3, $1)', ['dropped']);
        await tx.query('INSERT INTO sql_probe VALUES (1, $1)', ['a duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await sql.query('SELECT id, note FROM sql_probe ORDER BY id');
    expect(rows).toEqual([{ id: 1, note: 'kept' }]);
    await sql.query('DELETE FROM sql_probe');
  });

  it.runIf(process.env.DATABASE_URL)('copies rows from STDIN, all or none', async () => {
    const sql = sqlOf(database.db);
    const copied = await sql.transaction((tx) =>
      tx.copyFrom(
        'COPY sql_probe (id, note) FROM STDIN',
        Buffer.from('10\tplain\n11\ttab\\there\n12\t\\N\n13\tünïcödé\n'),
      ),
    );
    expect(copied).toBe(4);
    expect((await sql.query('SELECT note FROM sql_probe WHERE id IN (11, 12, 13) ORDER BY id')).rows).toEqual([
      { note: 'tab\there' },
      { note: null },
      { note: 'ünïcödé' },
    ]);
    // A row the table refuses fails the whole copy; the pool's connections stay usable.
    await expect(
      sql.transaction((tx) => tx.copyFrom('COPY sql_probe (id, note) FROM STDIN', Buffer.from('20\tnew\n10\tagain\n'))),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(
      sql.transaction((tx) => tx.copyFrom('COPY sql_probe (id, note) FROM STDIN', Buffer.from('not a number\tx\n'))),
    ).rejects.toMatchObject({ code: '22P02' });
    expect(await count()).toBe(4);
    for (let i = 0; i < 10; i++) {
      await sql.transaction((tx) =>
        tx.copyFrom('COPY sql_probe (id, note) FROM STDIN', Buffer.from(`${100 + i}\tok\n`)),
      );
    }
    expect(await count()).toBe(14);
  });
});
