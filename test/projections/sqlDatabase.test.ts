// Pure checks of the dialect adapter's SQL generation: placeholder translation and upserts.
import { describe, expect, it } from 'vitest';
import { toPostgresPlaceholders } from '../../src/projections/index.js';
import { insertSql, upsertSql } from '../../src/projections/sqlDatabase.js';

describe('SQL dialect helpers', () => {
  it('numbers ? placeholders for PostgreSQL but leaves ? inside quotes alone', () => {
    expect(toPostgresPlaceholders('SELECT * FROM t WHERE a = ? AND b = \'?\' AND "c?" IN (?, ?)')).toBe(
      'SELECT * FROM t WHERE a = $1 AND b = \'?\' AND "c?" IN ($2, $3)',
    );
  });

  it('writes one multi-row upsert that updates every non-key column', () => {
    expect(upsertSql('t', ['id', 'a', 'b'], ['id'], 2)).toBe(
      'INSERT INTO t (id, a, b) VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT (id) DO UPDATE SET a = excluded.a, b = excluded.b',
    );
  });

  it('writes a plain multi-row insert for bulk loads and checks its identifiers', () => {
    expect(insertSql('t', ['id', 'a'], 2)).toBe('INSERT INTO t (id, a) VALUES (?, ?), (?, ?)');
    expect(() => insertSql('t', ['a; --'], 1)).toThrow(/SQL identifier/);
  });

  it('rejects table names that are not plain identifiers', () => {
    expect(() => upsertSql('t; DROP TABLE x', ['id'], ['id'], 1)).toThrow(/SQL identifier/);
  });
});
