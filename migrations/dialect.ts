import { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * The few column types that differ between PostgreSQL and SQLite, so each migration is written once for both.
 * JSON is stored as text on both (TypeORM's `simple-json`), which keeps entities dialect-free.
 */
export function columns(queryRunner: QueryRunner) {
  const pg = queryRunner.connection.options.type === 'postgres';
  const col = (name: string, type: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type,
    ...extra,
  });
  return {
    pg,
    id: (name = 'id'): TableColumnOptions => col(name, 'varchar', { length: '36', isPrimary: true }),
    uuid: (name: string, nullable = false) => col(name, 'varchar', { length: '36', isNullable: nullable }),
    text: (name: string, nullable = false) => col(name, pg ? 'text' : 'text', { isNullable: nullable }),
    varchar: (name: string, length: number, nullable = false) =>
      col(name, 'varchar', { length: String(length), isNullable: nullable }),
    int: (name: string, nullable = false, defaultValue?: number) =>
      col(name, 'integer', { isNullable: nullable, default: defaultValue }),
    /** Whole yuan and other counts that may pass 2^31. */
    bigint: (name: string, nullable = false) => col(name, 'bigint', { isNullable: nullable }),
    bool: (name: string, defaultValue?: boolean) =>
      col(name, 'boolean', {
        isNullable: false,
        default: defaultValue === undefined ? undefined : pg ? String(defaultValue) : defaultValue ? 1 : 0,
      }),
    date: (name: string, nullable = false) => col(name, 'date', { isNullable: nullable }),
    timestamp: (name: string, nullable = false) => col(name, pg ? 'timestamptz' : 'datetime', { isNullable: nullable }),
    json: (name: string, nullable = false) => col(name, 'text', { isNullable: nullable }),
  };
}
