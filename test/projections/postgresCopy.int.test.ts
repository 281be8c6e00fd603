// PostgreSQL bulk loads through COPY (insertMany) on a real server, each test in its own schema: exact round-trips of
// awkward values, all-or-nothing failures, and the schema the database was opened with.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type SqlDatabase, type SqlValue } from '../../src/projections/index.js';
import { PG_URL } from './fixtures.js';

const COLUMNS = ['id', 'label', 'doc', 'flag', 'count', 'big', 'ratio'];
const TABLE_SQL = `CREATE TABLE copy_rows (
  id TEXT PRIMARY KEY, label TEXT, doc TEXT, flag BOOLEAN, count INTEGER, big BIGINT, ratio DOUBLE PRECISION)`;

let counter = 0;
const schemaName = (): string => {
  counter += 1;
  return `copy_${process.pid}_${Date.now() % 1_000_000}_${counter}`;
};

const dropSchemas = async (schemas: readonly string[]): Promise<void> => {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
};

interface CopyRow {
  id: string;
  label: string | null;
  doc: string | null;
  flag: boolean | null;
  count: number | null;
  big: string | null; // BIGINT arrives as text from pg
  ratio: number | null;
}

const readRows = (db: SqlDatabase): Promise<CopyRow[]> =>
  db.query<CopyRow & Record<string, unknown>>('SELECT * FROM copy_rows ORDER BY id');

describe('PostgreSQL insertMany (COPY)', () => {
  let db: SqlDatabase;
  const schemas: string[] = [];
  beforeEach(async () => {
    const schema = schemaName();
    schemas.push(schema);
    db = await createPostgresDatabase({ connectionString: PG_URL, schema });
    await db.execScript(TABLE_SQL);
  });
  afterEach(async () => {
    await db.close();
    await dropSchemas(schemas.splice(0));
  });

  it('round-trips tabs, newlines, backslashes, quotes, unicode, NULLs, booleans, numbers and large JSON exactly', async () => {
    const bigJson = JSON.stringify({
      layers: Array.from({ length: 400 }, (_, i) => ({
        name: `conv${i}`,
        luts: i * 37,
        note: 'tab\there\\ "q" \u00e9\u{1F600}',
      })),
    });
    const rows: SqlValue[][] = [
      ['a', 'tab\tnew\nline\rcr\r\nboth', '{"k":"v\\n"}', true, 0, 0, 0.1],
      ['b', 'back\\slash \\N \\t \\\\ end\\', null, false, -2147483648, Number.MAX_SAFE_INTEGER, -1e-300],
      [
        'c',
        `quotes ' " \` and ; -- comment`,
        bigJson,
        null,
        2147483647,
        -Number.MAX_SAFE_INTEGER,
        1.7976931348623157e308,
      ],
      [
        'd',
        'unicode: \u00e9\u00df\u4e2d\u6587 \u{1F600}\u{10FFFF} \u{1D11E} \u200b zero-width',
        '',
        undefined,
        null,
        null,
        null,
      ],
      ['e', '', '\\N', true, 42, 1_700_000_000_000, 5e-324],
      ['f', null, 'ends with newline\n', false, 7, 9_007_199_254_740_991, 0.30000000000000004],
      ['g', '\\', '\t', true, -0, 1, 123456.789e10],
      ['h', `${'\u00e9\t\\'.repeat(400_000)}\u{1F600}`, bigJson.repeat(20), false, 1, 2, 3], // fields larger than one chunk
    ];
    await db.insertMany('copy_rows', COLUMNS, rows);
    const got = await readRows(db);
    expect(got).toEqual(
      rows.map(([id, label, doc, flag, count, big, ratio]) => ({
        id,
        label: label ?? null,
        doc: doc ?? null,
        flag: flag ?? null,
        count: count === null || count === undefined ? null : Number(count) + 0, // -0 comes back as 0
        big: big === null || big === undefined ? null : String(big),
        ratio: ratio ?? null,
      })),
    );
  });

  it('loads thousands of rows of a few kilobytes each inside a transaction, over several chunks', async () => {
    const doc = JSON.stringify({
      curve: Array.from({ length: 120 }, (_, epoch) => ({ epoch, accuracy: epoch / 121 })),
    });
    const rows: SqlValue[][] = Array.from({ length: 3000 }, (_, i) => [
      `r${String(i).padStart(5, '0')}`,
      `label\t${i}`,
      doc,
      i % 2 === 0,
      i,
      i * 1000,
      i / 7,
    ]);
    await db.transaction((tx) => tx.insertMany('copy_rows', COLUMNS, rows));
    const got = await readRows(db);
    expect(got).toHaveLength(3000);
    expect(got[1234]).toEqual({
      id: 'r01234',
      label: 'label\t1234',
      doc,
      flag: true,
      count: 1234,
      big: '1234000',
      ratio: 1234 / 7,
    });
  });

  it('rejects a duplicate key and rolls the whole transaction back: no partial rows', async () => {
    await db.insertMany('copy_rows', COLUMNS, [['kept', 'before', null, null, null, null, null]]);
    const rows: SqlValue[][] = Array.from({ length: 500 }, (_, i) => [`k${i}`, null, null, null, i, null, null]);
    rows.push(['k3', 'duplicate', null, null, null, null, null]);
    await expect(
      db.transaction(async (tx) => {
        await tx.exec("DELETE FROM copy_rows WHERE id = 'kept'");
        await tx.insertMany('copy_rows', COLUMNS, rows);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect((await readRows(db)).map((r) => r.id)).toEqual(['kept']);
    // The pooled connection that failed is usable again.
    await db.transaction((tx) => tx.insertMany('copy_rows', COLUMNS, [['after', null, null, null, null, null, null]]));
    expect((await readRows(db)).map((r) => r.id)).toEqual(['after', 'kept']);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects the non-finite number %s with a CosearchError naming the column, and writes nothing',
    async (bad) => {
      const rows: SqlValue[][] = Array.from({ length: 2000 }, (_, i) => [
        `n${i}`,
        'x'.repeat(200),
        null,
        null,
        null,
        null,
        i,
      ]);
      rows.push(['bad', null, null, null, null, null, bad]);
      await expect(db.transaction((tx) => tx.insertMany('copy_rows', COLUMNS, rows))).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(/expected a finite number for copy_rows\.ratio, but got (NaN|-?Infinity)/),
      });
      expect(await readRows(db)).toEqual([]);
      await db.insertMany('copy_rows', COLUMNS, [['ok', null, null, null, null, null, 1.5]]);
      expect((await readRows(db)).map((r) => r.ratio)).toEqual([1.5]);
    },
  );

  it('rejects a row with the wrong number of values before writing any row', async () => {
    await expect(
      db.insertMany('copy_rows', COLUMNS, [
        ['a', null, null, null, null, null, null],
        ['b', null],
      ]),
    ).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/expected 7 values per row for copy_rows, but got 2/),
    });
    expect(await readRows(db)).toEqual([]);
  });

  it('rejects table and column names that are not plain identifiers', async () => {
    await expect(db.insertMany('copy_rows; drop table x', COLUMNS, [])).rejects.toThrow(/SQL identifier/);
    await expect(
      db.insertMany('copy_rows; drop table x', COLUMNS, [['a', null, null, null, null, null, null]]),
    ).rejects.toThrow(/SQL identifier/);
    await expect(db.insertMany('copy_rows', ['id', 'label"'], [['a', 'b']])).rejects.toThrow(/SQL identifier/);
  });

  it('writes into the schema the database was opened with, not another schema with the same table', async () => {
    const other = schemaName();
    schemas.push(other);
    const otherDb = await createPostgresDatabase({ connectionString: PG_URL, schema: other });
    try {
      await otherDb.execScript(TABLE_SQL);
      await db.insertMany('copy_rows', COLUMNS, [['mine', null, null, null, null, null, null]]);
      await otherDb.transaction((tx) =>
        tx.insertMany('copy_rows', COLUMNS, [['theirs', null, null, null, null, null, null]]),
      );
      expect((await readRows(db)).map((r) => r.id)).toEqual(['mine']);
      expect((await readRows(otherDb)).map((r) => r.id)).toEqual(['theirs']);
    } finally {
      await otherDb.close();
    }
  });
});
