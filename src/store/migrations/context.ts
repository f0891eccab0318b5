/** What a migration is told about the database it runs on. */
export interface MigrationContext {
  dialect: 'sqlite' | 'postgres';
}
