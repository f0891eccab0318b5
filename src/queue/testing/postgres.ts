/**
 * The queue's tests take their throwaway PostgreSQL database from the
 * store's test helper ($SIGHTLINE_TEST_POSTGRES; they skip, saying why, when
 * it is unset).
 */
export { withTestDatabase, postgresSkipReason as skipUnlessPostgres } from '../../store/testing/postgres.js';
